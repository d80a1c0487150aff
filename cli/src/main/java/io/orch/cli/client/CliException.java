package io.orch.cli.client;

/**
 * An error already phrased for the user: {@link #line()} is printed as the single stderr line
 * and {@link #exitCode()} becomes the process exit code.
 */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String line, Throwable cause) {
        super(line, cause);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String line) {
        this(exitCode, line, null);
    }

    public int exitCode() {
        return exitCode;
    }

    public String line() {
        return getMessage();
    }
}
