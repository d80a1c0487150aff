package io.orch.cli;

/** The only exit codes the CLI uses (ARCHITECTURE.md convention 10). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private ExitCodes() {}
}
