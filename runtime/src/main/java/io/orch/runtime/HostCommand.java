package io.orch.runtime;

import io.orch.runtime.net.ToolProcess;

import java.io.IOException;
import java.util.List;

/**
 * Runs a short host command (mount, umount, cp) to its end and fails when it does: bounded in
 * time, no input, its output kept for the error. For the things Java cannot do itself.
 */
public final class HostCommand {
    /** A copy of an image's root file system can take a while on a slow disk. */
    private static final long TIMEOUT_SECONDS = 60;

    private HostCommand() {}

    /** @throws IOException naming the command and its exit status and output when it fails or times out */
    public static void run(List<String> argv) throws IOException {
        ToolProcess.Output out = ToolProcess.run(argv, null, String.join(" ", argv), TIMEOUT_SECONDS);
        if (out.exitCode() != 0) {
            throw new IOException(String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " failed (exit "
                    + out.exitCode() + "): " + out.text());
        }
    }
}
