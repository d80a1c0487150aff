package io.orch.runtime.runc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the time of one container start went, phase by phase ("slot 0 ms, rootfs 4 ms, ..."),
 * for the start's log line: a slow start (100 at once on a small node) then says which part
 * grew, without a profiler. One thread records; not thread-safe.
 */
final class StartPhases {
    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private final long began;
    private long last;

    StartPhases() {
        began = System.nanoTime();
        last = began;
    }

    /** Ends the current phase under {@code name}; the next one begins now. */
    void mark(String name) {
        long now = System.nanoTime();
        names.add(name);
        nanos.add(now - last);
        last = now;
    }

    long totalMillis() {
        return TimeUnit.NANOSECONDS.toMillis(last - began);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(TimeUnit.NANOSECONDS.toMillis(nanos.get(i)))
                    .append(" ms");
        }
        return b.toString();
    }
}
