package io.orch.agent.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --metrics-addr listener over a real socket: GET /metrics only, on any address, of the node's current registry. */
class MetricsOnlyApiTest {
    private final PrometheusMeterRegistry first = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<PrometheusMeterRegistry> current = new AtomicReference<>(first);
    private final ApiServer server = ApiServer.controlFree(MetricsOnlyApi.handler(current::get, "test"));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheCurrentRegistryOnAWildcardAddressWhateverTheHost() throws Exception {
        Counter.builder("orch.sample").register(first).increment();
        // the wildcard: a non-loopback address is allowed, and no Host check applies
        InetSocketAddress bound = server.startTcp(new InetSocketAddress("0.0.0.0", 0), null);
        URI uri = URI.create("http://127.0.0.1:" + bound.getPort() + "/metrics");

        HttpResponse<String> r = send(HttpRequest.newBuilder(uri));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(r.body().contains("orch_sample_total 1.0"), r.body());

        PrometheusMeterRegistry joined = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("orch.other").register(joined);
        current.set(joined); // the node joined a swarm: its agent's registry from now on
        String after = send(HttpRequest.newBuilder(uri)).body();
        assertTrue(after.contains("orch_other_total") && !after.contains("orch_sample_total"), after);
        // a request is recorded once answered: the next scrape shows the one before
        String next = send(HttpRequest.newBuilder(uri)).body();
        assertTrue(next.contains("orch_api_request_seconds_count{method=\"GET\",route=\"/metrics\",status=\"200\"} 1"),
                "scrapes are API requests, recorded in the current registry: " + next);
    }

    @Test
    void everythingElseIsNotFound() throws Exception {
        InetSocketAddress bound = server.startTcp(new InetSocketAddress("127.0.0.1", 0), null);
        String base = "http://127.0.0.1:" + bound.getPort();
        for (String path : new String[] {"/info", "/services", "/swarm/leave", "/metrics/x"}) {
            assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + path))).statusCode(), path);
        }
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(base + "/services/create"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(404, post.statusCode(), post.body());
    }
}
