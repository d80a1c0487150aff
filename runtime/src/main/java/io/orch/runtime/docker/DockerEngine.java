package io.orch.runtime.docker;

import io.orch.api.http.StreamingResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Docker Engine API calls the docker runtime uses, over {@link UnixHttpClient}. Pinned to API
 * version 1.41 (Docker 20.10, Debian 12's docker.io): newer engines answer it with the same
 * shapes. Every call that is not a stream has a deadline.
 */
final class DockerEngine implements AutoCloseable {
    static final String API = "/v1.41";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration IMAGE_TRANSFER = Duration.ofMinutes(10);

    private final UnixHttpClient http;

    DockerEngine(Path socket) {
        this.http = new UnixHttpClient(socket);
    }

    Path socket() {
        return http.socket();
    }

    /** A non-2xx answer: the status and Docker's {@code message}. */
    static final class ApiException extends IOException {
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        boolean notFound() {
            return status == 404;
        }
    }

    boolean ping(Duration timeout) {
        try (StreamingResponse r = http.send("GET", "/_ping", null, timeout)) {
            return r.ok() && new String(r.body().readAllBytes(), StandardCharsets.UTF_8).trim().equals("OK");
        } catch (IOException e) {
            return false;
        }
    }

    JsonNode version() throws IOException {
        return json("GET", "/version", null, QUICK);
    }

    Optional<JsonNode> inspectImage(String ref) throws IOException {
        return optional(() -> json("GET", "/images/" + ref + "/json", null, QUICK));
    }

    /** POST /images/load of a docker-archive tarball; fails with the engine's message if the load reports an error. */
    void loadImage(Path archive) throws IOException {
        long size = Files.size(archive);
        UnixHttpClient.Body body = new UnixHttpClient.Body("application/x-tar", size, out -> Files.copy(archive, out));
        try (StreamingResponse r = http.send("POST", API + "/images/load?quiet=1", body, IMAGE_TRANSFER)) {
            checkStream(r, "loading the image");
        }
    }

    void pullImage(String normalizedRef) throws IOException {
        try (StreamingResponse r = http.send("POST", API + "/images/create?fromImage=" + q(normalizedRef), null, IMAGE_TRANSFER)) {
            checkStream(r, "pulling " + normalizedRef);
        }
    }

    /** Creates a container and returns its id. */
    String createContainer(String name, JsonNode config) throws IOException {
        String target = "/containers/create" + (name == null ? "" : "?name=" + q(name));
        return json("POST", target, config, QUICK).path("Id").asText();
    }

    void startContainer(String id) throws IOException {
        expectOk("POST", "/containers/" + id + "/start", QUICK); // 304: already started
    }

    /** Blocks until the container no longer runs and returns its exit code (no deadline: a task may run for months). */
    int waitContainer(String id) throws IOException {
        JsonNode r = json("POST", "/containers/" + id + "/wait?condition=not-running", null, null);
        String error = r.path("Error").path("Message").asText("");
        if (!error.isEmpty()) {
            throw new IOException("waiting for container " + id + ": " + error);
        }
        return r.path("StatusCode").asInt(-1);
    }

    Optional<JsonNode> inspectContainer(String id) throws IOException {
        return optional(() -> json("GET", "/containers/" + id + "/json", null, QUICK));
    }

    /** Docker's stop: the container's stop signal, {@code seconds} of grace, then SIGKILL. */
    void stopContainer(String id, long seconds) throws IOException {
        expectOk("POST", "/containers/" + id + "/stop?t=" + seconds, QUICK.plusSeconds(seconds));
    }

    void killContainer(String id, String signal) throws IOException {
        expectOk("POST", "/containers/" + id + "/kill?signal=" + q(signal), QUICK);
    }

    /** Removes the container (killing it if it runs) and its anonymous volumes; gone already is fine. */
    void removeContainer(String id) throws IOException {
        try {
            expectOk("DELETE", "/containers/" + id + "?force=1&v=1", QUICK);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /**
     * The multiplexed stdout/stderr stream from {@code sinceSeconds} (0: from the start), following
     * until the container ends; every frame starts with Docker's RFC 3339 timestamp and a space.
     */
    StreamingResponse followLogs(String id, String sinceSeconds) throws IOException {
        StreamingResponse r = http.send("GET", API + "/containers/" + id + "/logs?follow=1&stdout=1&stderr=1&timestamps=1&since="
                + q(sinceSeconds), null, null);
        return requireOk(r);
    }

    JsonNode stats(String id) throws IOException {
        return json("GET", "/containers/" + id + "/stats?stream=0&one-shot=1", null, QUICK);
    }

    String createExec(String id, List<String> command) throws IOException {
        var body = JSON.createObjectNode().put("AttachStdout", true).put("AttachStderr", true).put("Tty", false);
        command.forEach(body.putArray("Cmd")::add);
        return json("POST", "/containers/" + id + "/exec", body, QUICK).path("Id").asText();
    }

    /** Starts an exec attached: the body is its multiplexed output until it ends (bounded by {@code timeout}). */
    StreamingResponse startExec(String execId, Duration timeout) throws IOException {
        var body = JSON.createObjectNode().put("Detach", false).put("Tty", false);
        return requireOk(http.send("POST", API + "/exec/" + execId + "/start",
                UnixHttpClient.Body.json(JSON.writeValueAsBytes(body)), timeout));
    }

    JsonNode inspectExec(String execId) throws IOException {
        return json("GET", "/exec/" + execId + "/json", null, QUICK);
    }

    // --- plumbing -------------------------------------------------------------------------

    private JsonNode json(String method, String path, JsonNode body, Duration timeout) throws IOException {
        UnixHttpClient.Body b = body == null ? null : UnixHttpClient.Body.json(JSON.writeValueAsBytes(body));
        StreamingResponse r = requireOk(http.send(method, API + path, b, timeout));
        byte[] bytes = r.readAll();
        return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }

    private void expectOk(String method, String path, Duration timeout) throws IOException {
        requireOk(http.send(method, API + path, null, timeout)).readAll();
    }

    private static StreamingResponse requireOk(StreamingResponse r) throws IOException {
        if (r.ok() || r.status() == 304) {
            return r;
        }
        byte[] bytes = r.readAll();
        String message;
        try {
            message = JSON.readTree(bytes).path("message").asText(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            message = new String(bytes, StandardCharsets.UTF_8);
        }
        throw new ApiException(r.status(), message.isBlank() ? "HTTP " + r.status() : message.trim());
    }

    /** Load and pull answer 200 and then report failures inside their JSON message stream. */
    private static void checkStream(StreamingResponse r, String what) throws IOException {
        requireOk(r);
        try (InputStream in = r.body(); MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (messages.hasNextValue()) {
                JsonNode m = messages.nextValue();
                String error = m.path("errorDetail").path("message").asText(m.path("error").asText(""));
                if (!error.isEmpty()) {
                    throw new IOException(what + " failed: " + error);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        JsonNode run() throws IOException;
    }

    private static Optional<JsonNode> optional(Call call) throws IOException {
        try {
            return Optional.of(call.run());
        } catch (ApiException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
