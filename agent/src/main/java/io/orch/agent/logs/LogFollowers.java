package io.orch.agent.logs;

import io.orch.api.concurrent.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one small thread that polls the files of every following reader of this node (API
 * requests and other nodes' {@code Tail} calls alike): no thread per request or per line.
 */
public final class LogFollowers {
    /** How often a follower looks at its files: new lines show within this. */
    public static final long POLL_MILLIS = 200;
    /** Per poll and file: keeps one chatty task from starving the others or flooding a connection. */
    public static final long MAX_BYTES_PER_POLL = 1024 * 1024;

    private static final ScheduledExecutorService SHARED = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-log-follow"));

    private LogFollowers() {}

    public static ScheduledExecutorService shared() {
        return SHARED;
    }
}
