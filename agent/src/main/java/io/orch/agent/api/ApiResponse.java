package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a route answers: status, content type, body and any extra headers; or, for a body written
 * over time, a {@link ResponseStream} (then {@code body} is empty).
 */
public record ApiResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers,
                          ResponseStream stream) {
    public static final String JSON = "application/json";

    public ApiResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    /** A chunked response whose body {@code stream} writes once the head is out. */
    public static ApiResponse streaming(HttpResponseStatus status, String contentType, ResponseStream stream) {
        return new ApiResponse(status, contentType, new byte[0], Map.of(), stream);
    }

    public static ApiResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            byte[] bytes = DockerJson.MAPPER.writeValueAsBytes(body);
            return new ApiResponse(status, JSON, bytes, Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    public static ApiResponse ok(JsonNode body) {
        return json(HttpResponseStatus.OK, body);
    }

    /** Writes a JSON body straight to a generator (no tree in between). */
    @FunctionalInterface
    public interface JsonWriter {
        void write(JsonGenerator out) throws IOException;
    }

    /**
     * 200 with the JSON {@code body} writes: the same bytes as {@link #ok} of the tree it would
     * have built, for the list routes whose trees were the largest allocation a request made.
     */
    public static ApiResponse ok(JsonWriter body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (JsonGenerator out = DockerJson.MAPPER.createGenerator(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON body", e);
        }
        return new ApiResponse(HttpResponseStatus.OK, JSON, bytes.toByteArray(), Map.of());
    }

    public static ApiResponse text(HttpResponseStatus status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Docker answers some writes (DELETE /services/x) with 200 and no body at all. */
    public static ApiResponse empty(HttpResponseStatus status) {
        return new ApiResponse(status, null, new byte[0], Map.of());
    }

    public static ApiResponse error(HttpResponseStatus status, String message) {
        return json(status, DockerJson.MAPPER.createObjectNode().put("message", message));
    }

    public ApiResponse withHeaders(Map<String, String> extra) {
        return new ApiResponse(status, contentType, body, extra, stream);
    }
}
