package io.orch.packaging;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * A well-behaved API client that times its requests one after the other on a fresh connection
 * pool: what another operator sees while abusive clients work on the agent.
 */
final class LatencyProbe {
    private final URI uri;

    LatencyProbe(int apiPort, String path) {
        this.uri = URI.create("http://127.0.0.1:" + apiPort + "/v1.47" + path);
    }

    /** {@code count} GETs; every one must answer 200 within {@code timeout}. */
    Figures measure(int count, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            micros[i] = (System.nanoTime() - start) / 1_000;
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + uri + " -> " + r.statusCode() + " " + r.body());
            }
        }
        Arrays.sort(micros);
        return new Figures(micros[count / 2], micros[(int) Math.ceil(count * 0.99) - 1], micros[count - 1]);
    }

    record Figures(long p50Micros, long p99Micros, long maxMicros) {
        @Override
        public String toString() {
            return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", p50Micros / 1000.0, p99Micros / 1000.0,
                    maxMicros / 1000.0);
        }
    }
}
