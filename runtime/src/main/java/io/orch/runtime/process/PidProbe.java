package io.orch.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Looks a pid up in /proc with three answers, not two: the process is there (its stat), it is
 * provably gone (its /proc entry does not exist), or the look-up could not run (out of file
 * descriptors, /proc unreadable). Only the second may ever end a task: an agent that ran out of
 * fds once took "could not read" for "exited" and started replacements beside running tasks.
 */
final class PidProbe {
    /** Where /proc/PID/stat comes from; tests inject failures here. */
    @FunctionalInterface
    interface StatSource {
        String read(long pid) throws IOException;
    }

    static final StatSource PROC = pid -> Files.readString(Path.of("/proc", Long.toString(pid), "stat"));

    /** The answer of one look-up. */
    sealed interface Result permits Alive, Gone, Unknown {}

    record Alive(ProcStat stat) implements Result {}

    record Gone() implements Result {}

    /** The look-up failed: nothing is known about the process, least of all that it exited. */
    record Unknown(String why) implements Result {}

    private final StatSource source;

    PidProbe(StatSource source) {
        this.source = source;
    }

    Result probe(long pid) {
        String line;
        try {
            line = source.read(pid);
        } catch (NoSuchFileException e) {
            return new Gone();
        } catch (IOException | RuntimeException e) {
            return new Unknown("cannot read /proc/" + pid + "/stat: " + e.getMessage());
        }
        try {
            return new Alive(ProcStat.parse(pid, line));
        } catch (RuntimeException e) {
            return new Unknown("unreadable /proc/" + pid + "/stat: " + e.getMessage());
        }
    }
}
