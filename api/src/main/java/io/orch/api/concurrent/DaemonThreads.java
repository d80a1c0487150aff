package io.orch.api.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way orch makes threads: named (so a thread dump says whose they are) and daemon (so no
 * helper thread keeps a stopping agent alive; what must finish is joined explicitly).
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * A factory for a pool: the first thread is called {@code name}, later ones {@code name-2},
     * {@code name-3}..., so a single-thread executor keeps the plain name.
     */
    public static ThreadFactory factory(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            int n = count.incrementAndGet();
            return create(n == 1 ? name : name + "-" + n, runnable);
        };
    }

    /** Starts one named daemon thread running {@code body}. */
    public static Thread start(String name, Runnable body) {
        Thread t = create(name, body);
        t.start();
        return t;
    }

    /** A named daemon thread, not started. */
    public static Thread create(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
