package io.orch.packaging.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The API of an agent inside a network namespace. The API listens on the namespace's own
 * loopback (plain HTTP is loopback-only), which this JVM cannot reach, so each call runs curl
 * inside the namespace.
 */
final class NetnsApi implements NodeApi {
    private final String netns;
    private final int port;

    NetnsApi(String netns, int port) {
        this.netns = netns;
        this.port = port;
    }

    @Override
    public Reply call(String method, String path, String jsonBody, Duration timeout) {
        double seconds = Math.max(1, timeout.toMillis()) / 1000.0;
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "curl", "-sS",
                "-m", String.valueOf(seconds), "-X", method, "-w", "\n%{http_code}"));
        if (jsonBody != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@-"));
        }
        cmd.add("http://127.0.0.1:" + port + VERSION_PREFIX + path);
        try {
            Process p = new ProcessBuilder(cmd).start();
            try (OutputStream in = p.getOutputStream()) {
                if (jsonBody != null) {
                    in.write(jsonBody.getBytes(StandardCharsets.UTF_8));
                }
            }
            // read before waiting: a large body would otherwise fill the pipe and block curl
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Reply(Reply.NO_ANSWER, "curl did not finish");
            }
            if (p.exitValue() != 0) {
                return new Reply(Reply.NO_ANSWER, "curl exit " + p.exitValue() + ": " + err.strip());
            }
            int cut = out.lastIndexOf('\n');
            return new Reply(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, cut));
        } catch (IOException | NumberFormatException e) {
            return new Reply(Reply.NO_ANSWER, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Reply.NO_ANSWER, "interrupted");
        }
    }

    @Override
    public String toString() {
        return netns + ":127.0.0.1:" + port;
    }
}
