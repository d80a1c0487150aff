package io.orch.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.orch.api.Defaults;
import io.orch.cli.parse.Filters;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * The Docker Engine API calls the CLI makes, as JSON trees. Every path gets the {@code /v1.47}
 * prefix; error statuses become {@link ApiException} carrying the server's {@code message}.
 */
public final class DockerApi {
    private final HttpClient http;
    private final String prefix = "/v" + Defaults.API_VERSION;

    public DockerApi(HttpClient http) {
        this.http = http;
    }

    public JsonNode version() { return get("/version"); }

    public JsonNode info() { return get("/info"); }

    public JsonNode nodes() { return get("/nodes"); }

    public JsonNode node(String idOrName) { return get("/nodes/" + Filters.encode(idOrName)); }

    public JsonNode services(Filters filters, boolean status) {
        StringBuilder q = new StringBuilder();
        if (status) q.append("status=true");
        if (filters != null && !filters.isEmpty()) q.append(q.length() > 0 ? "&" : "").append(filters.toQueryParam());
        return get("/services" + (q.length() > 0 ? "?" + q : ""));
    }

    public JsonNode service(String idOrName, boolean insertDefaults) {
        return get("/services/" + Filters.encode(idOrName) + "?insertDefaults=" + insertDefaults);
    }

    public JsonNode tasks(Filters filters) {
        return get("/tasks" + (filters == null || filters.isEmpty() ? "" : "?" + filters.toQueryParam()));
    }

    /** @return the new service's ID */
    public String createService(JsonNode spec) {
        return call("POST", "/services/create", spec).path("ID").asText();
    }

    public JsonNode updateService(String id, long version, JsonNode spec) {
        return call("POST", "/services/" + Filters.encode(id) + "/update?version=" + version, spec);
    }

    /** Create with an X-Registry-Auth header (--with-registry-auth); null sends none. */
    public String createService(JsonNode spec, String registryAuth) {
        return call("POST", "/services/create", spec, authHeader(registryAuth)).path("ID").asText();
    }

    public JsonNode updateService(String id, long version, JsonNode spec, String registryAuth) {
        return call("POST", "/services/" + Filters.encode(id) + "/update?version=" + version, spec, authHeader(registryAuth));
    }

    private static java.util.Map<String, String> authHeader(String registryAuth) {
        return registryAuth == null ? java.util.Map.of() : java.util.Map.of("X-Registry-Auth", registryAuth);
    }

    public void removeService(String idOrName) {
        call("DELETE", "/services/" + Filters.encode(idOrName), null);
    }

    /** {@code POST /images/load} with the archive as the body; the agent's messages (one JSON object a line). */
    public java.util.List<JsonNode> loadImage(java.nio.file.Path archive) {
        return loadImage(archive, "");
    }

    /** @param extraQuery more query parameters, each as {@code &name=value} (already encoded), or "" */
    public java.util.List<JsonNode> loadImage(java.nio.file.Path archive, String extraQuery) {
        HttpResponse response;
        String path = "/images/load?quiet=0" + extraQuery;
        try {
            response = http.sendFile("POST", prefix + path, archive, "application/x-tar");
        } catch (AgentUnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw talkFailed(e);
        }
        if (!response.ok()) {
            JsonNode parsed = parse(response);
            String message = parsed.path("message").asText("");
            throw new ApiException(response.status(), message.isEmpty() ? "HTTP " + response.status() : message);
        }
        java.util.List<JsonNode> messages = new java.util.ArrayList<>();
        for (String line : response.bodyText().split("\r?\n")) {
            if (line.isBlank()) continue;
            try {
                messages.add(JsonTreeReader.read(line));
            } catch (IOException e) {
                throw new CliException(1, "Error: the orch agent sent a load message that is not JSON", e);
            }
        }
        return messages;
    }

    public JsonNode images() { return get("/images/json"); }

    /**
     * {@code POST /images/create?fromImage=NAME&tag=TAG} (docker pull): the agent's JSON progress
     * messages, one per line; a message with "error" reports a pull that failed midway.
     */
    public java.util.List<JsonNode> pullImage(String fromImage, String tag) {
        HttpResponse response;
        String path = "/images/create?fromImage=" + Filters.encode(fromImage) + "&tag=" + Filters.encode(tag);
        try {
            response = http.send("POST", prefix + path, null);
        } catch (AgentUnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw talkFailed(e);
        }
        if (!response.ok()) {
            String message = parse(response).path("message").asText("");
            throw new ApiException(response.status(), message.isEmpty() ? "HTTP " + response.status() : message);
        }
        java.util.List<JsonNode> messages = new java.util.ArrayList<>();
        for (String line : response.bodyText().split("\r?\n")) {
            if (line.isBlank()) continue;
            try {
                messages.add(JsonTreeReader.read(line));
            } catch (IOException e) {
                throw new CliException(1, "Error: the orch agent sent a pull message that is not JSON", e);
            }
        }
        return messages;
    }

    /** {@code DELETE /images/NAME}: Docker's report, a list of {"Untagged": ...} / {"Deleted": ...}. */
    public JsonNode removeImage(String name, boolean force) {
        return call("DELETE", "/images/" + Filters.encode(name) + (force ? "?force=1" : ""), null);
    }

    /**
     * Opens {@code /services/ID/logs} or {@code /tasks/ID/logs} ({@code kind} "services" or
     * "tasks"); error answers become {@link ApiException}. The caller closes the stream.
     */
    public StreamedResponse logs(String kind, String id, String query) {
        return openStream(prefix + "/" + kind + "/" + Filters.encode(id) + "/logs?" + query);
    }

    /**
     * Opens {@code GET /events} with {@code query} (since, until, filters; may be empty): one JSON
     * event a line, until {@code until} or, without it, until the caller closes the stream.
     */
    public StreamedResponse events(String query) {
        return openStream(prefix + "/events" + (query.isEmpty() ? "" : "?" + query));
    }

    /** A GET answered as it arrives; an error answer becomes {@link ApiException}. */
    private StreamedResponse openStream(String path) {
        StreamedResponse response;
        try {
            response = http.open("GET", path);
        } catch (AgentUnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw talkFailed(e);
        }
        if (!response.ok()) {
            String message;
            try (response) {
                JsonNode parsed = JsonTreeReader.read(response.body().readAllBytes());
                message = parsed == null ? "" : parsed.path("message").asText("");
            } catch (IOException e) {
                message = "";
            }
            throw new ApiException(response.status(), message.isEmpty() ? "HTTP " + response.status() : message);
        }
        return response;
    }

    /** A connection that broke mid-request; under TLS 1.3 a refused client certificate shows only here, as a reset. */
    private CliException talkFailed(IOException e) {
        return new CliException(1, "Error: talking to the orch agent at " + http.address() + " failed: " + e.getMessage()
                + (http.usesTls() ? " (over TLS: the agent may have refused the client certificate)" : ""), e);
    }

    public JsonNode get(String path) {
        return call("GET", path, null);
    }

    /** A POST to any path (after the version prefix); the parsed answer, missing when empty. */
    public JsonNode post(String path, JsonNode body) {
        return call("POST", path, body);
    }

    public void delete(String path) {
        call("DELETE", path, null);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        return call(method, path, body, java.util.Map.of());
    }

    private JsonNode call(String method, String path, JsonNode body, java.util.Map<String, String> headers) {
        HttpResponse response;
        try {
            byte[] bytes = body == null ? null : io.orch.cli.render.Json.mapper().writeValueAsBytes(body);
            response = http.send(method, prefix + path, bytes, headers);
        } catch (AgentUnreachableException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw new CliException(1, "Error: the orch agent at " + http.address() + " did not answer in time (" + method + " " + path + ")", e);
        } catch (IOException e) {
            throw talkFailed(e);
        }
        JsonNode parsed = parse(response);
        if (!response.ok()) {
            String message = parsed.path("message").asText("");
            if (message.isEmpty()) message = response.bodyText().isBlank() ? "HTTP " + response.status() : response.bodyText().trim();
            throw new ApiException(response.status(), message);
        }
        return parsed;
    }

    private static JsonNode parse(HttpResponse response) {
        if (response.body().length == 0) return MissingNode.getInstance();
        try {
            return JsonTreeReader.read(response.body());
        } catch (IOException e) {
            if (!response.ok()) return MissingNode.getInstance();
            throw new CliException(1, "Error: the orch agent sent a response that is not JSON (HTTP " + response.status() + ")", e);
        }
    }
}
