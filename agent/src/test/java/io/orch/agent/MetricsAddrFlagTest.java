package io.orch.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.agent.api.ApiServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --metrics-addr}: what it accepts, its default port, and one line naming it for what it refuses. */
class MetricsAddrFlagTest {
    private static AgentOptions options(String... args) {
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs(args);
        return init.options;
    }

    @Test
    void anAddressOnAnyInterfaceIsAcceptedWithDockersPortByDefault() {
        assertNull(options().metricsAddr(), "no flag: no metrics listener");
        assertEquals(new AgentConfig.HostPort("0.0.0.0", 9323), options("--metrics-addr", "0.0.0.0").metricsAddr());
        assertEquals(new AgentConfig.HostPort("10.1.2.3", 9100), options("--metrics-addr", "10.1.2.3:9100").metricsAddr());
        assertEquals(new AgentConfig.HostPort("0.0.0.0", 9100), options("--metrics-addr", ":9100").metricsAddr());
    }

    @Test
    void aMalformedAddressIsRefusedNamingTheFlag() {
        for (String bad : List.of("host:port", "127.0.0.1:0", "127.0.0.1:70000", "no-such-host.invalid:9323")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> options("--metrics-addr", bad).metricsAddr());
            assertTrue(e.getMessage().startsWith("--metrics-addr " + bad + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        }
    }

    @Test
    void anAddressInUseIsRefusedNamingTheFlagAndNothingListens() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentConfig.HostPort address = new AgentConfig.HostPort("127.0.0.1", taken.getLocalPort());
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetricsListener.start(address, () -> registry, new PrintWriter(new StringWriter())));
            assertTrue(e.getMessage().startsWith("--metrics-addr 127.0.0.1:" + taken.getLocalPort() + ": cannot listen"),
                    e.getMessage());
        }
    }

    @Test
    void theListenerSaysWhereItListens() throws Exception {
        StringWriter out = new StringWriter();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ApiServer server = MetricsListener.start(new AgentConfig.HostPort("127.0.0.1", port), () -> registry,
                new PrintWriter(out));
        try {
            assertEquals("Metrics listening on http://127.0.0.1:" + port + "/metrics", out.toString().strip());
        } finally {
            server.close();
        }
    }
}
