package io.orch.agent.configfile;

/** A config file that cannot be applied: one line, {@code FILE:LINE:COL: problem}, never a value of a key. */
public final class ConfigFileException extends IllegalArgumentException {
    ConfigFileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
    }

    ConfigFileException(String file, String problem) {
        super(file + ": " + problem);
    }
}
