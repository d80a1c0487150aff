package io.orch.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.agent.api.ApiServer;
import io.orch.agent.api.MetricsOnlyApi;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** {@code --metrics-addr}: the API server's code with only GET /metrics, on any address. */
final class MetricsListener {
    private MetricsListener() {}

    /**
     * Binds {@code address} (fails with one line naming the flag when it cannot) and serves the
     * registry {@code current} names at each scrape.
     */
    static ApiServer start(AgentConfig.HostPort address, Supplier<PrometheusMeterRegistry> current, PrintWriter out)
            throws Exception {
        ApiServer server = ApiServer.controlFree(MetricsOnlyApi.handler(current, Agent.VERSION));
        InetSocketAddress bound;
        try {
            bound = server.startTcp(address.socketAddress(), null);
        } catch (Exception e) {
            server.close();
            throw new IllegalArgumentException("--metrics-addr " + address + ": cannot listen: " + e.getMessage(), e);
        }
        out.printf("Metrics listening on http://%s/metrics%n", new AgentConfig.HostPort(bound.getHostString(), bound.getPort()));
        out.flush();
        return server;
    }
}
