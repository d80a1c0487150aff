package io.orch.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The open-files limit a container starts with: the agent's own, as Docker's containers get the
 * daemon's. Read from /proc/self/limits at each start, so it follows whatever the agent runs with
 * (a systemd LimitNOFILE=, a ulimit in its start script). The JVM, like dockerd, has already
 * raised its soft limit to its hard one at start (HotSpot's MaxFDLimit), so the two are usually
 * equal. Never more than the agent's own: root here lacks CAP_SYS_RESOURCE and runc could not set
 * a higher hard limit.
 */
record NofileLimit(long soft, long hard) {
    /** runc's own spec default; only used when the agent's limit cannot be read (no /proc?). */
    static final NofileLimit FALLBACK = new NofileLimit(1024, 1024);
    private static final Path SELF_LIMITS = Path.of("/proc/self/limits");
    private static final String ROW = "Max open files";

    static NofileLimit ofThisProcess() {
        try {
            return parse(Files.readString(SELF_LIMITS)).orElse(FALLBACK);
        } catch (IOException | RuntimeException e) {
            return FALLBACK;
        }
    }

    /**
     * The "Max open files" row of a /proc/PID/limits text: soft, then hard. "unlimited" counts as
     * unreadable: the kernel never grants it for open files (it caps at fs.nr_open).
     */
    static Optional<NofileLimit> parse(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith(ROW)) {
                String[] f = line.substring(ROW.length()).trim().split("\\s+");
                if (f.length >= 2 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
                    return Optional.of(new NofileLimit(Long.parseLong(f[0]), Long.parseLong(f[1])));
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
