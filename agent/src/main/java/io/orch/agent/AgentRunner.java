package io.orch.agent;

import io.orch.agent.api.ApiServer;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Runs an agent in the foreground until SIGTERM or SIGINT, then stops it cleanly and returns 0. */
final class AgentRunner {
    private AgentRunner() {}

    /** `orch init` / `orch join`: the node creates, joins or resumes its swarm at once. */
    static int runUntilStopped(AgentConfig config, PrintWriter out) throws Exception {
        return runUntilStopped(config, null, false, out);
    }

    /**
     * @param metricsAddr     `--metrics-addr`: where GET /metrics is also served, or null
     * @param waitInSwarmless `orch agent`: with no swarm state in the data directory, the node waits
     *                        in no swarm for `docker swarm init` / `join` through its API
     */
    static int runUntilStopped(AgentConfig config, AgentConfig.HostPort metricsAddr, boolean waitInSwarmless,
                               PrintWriter out) throws Exception {
        // before anything reads or writes the data directory: one agent per directory
        try (DataDirLock held = DataDirLock.acquire(config.dataDir())) {
            return runHolding(config, metricsAddr, waitInSwarmless, out);
        }
    }

    private static int runHolding(AgentConfig config, AgentConfig.HostPort metricsAddr, boolean waitInSwarmless,
                                  PrintWriter out) throws Exception {
        // the process's listener, not a role's: it serves whichever registry the node has now. Bound
        // first, so an address it cannot take is refused before the node creates or joins anything.
        java.util.concurrent.atomic.AtomicReference<SwarmNode> started = new java.util.concurrent.atomic.AtomicReference<>();
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry none =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        ApiServer metrics = metricsAddr == null ? null : MetricsListener.start(metricsAddr, () -> {
            SwarmNode n = started.get();
            return n != null ? n.metricsRegistry() : none; // scraped while the node starts: nothing to show yet
        }, out);
        SwarmNode node;
        try {
            node = SwarmNode.start(config, waitInSwarmless, out);
        } catch (Exception | Error e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        started.set(node);
        // SIGTERM and SIGINT ask for a clean stop: close the agent on this thread and exit 0
        // (as dockerd does), rather than letting the JVM die with 143 inside a shutdown hook.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopRequested.countDown());
        }
        Thread hook = new Thread(node::close, "orch-shutdown"); // any other exit path still closes cleanly
        Runtime.getRuntime().addShutdownHook(hook);
        stopRequested.await();
        if (metrics != null) {
            metrics.close();
        }
        node.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println("orch agent stopped");
        out.flush();
        return 0;
    }
}
