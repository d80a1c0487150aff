package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

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

    /** 200 with a JSON body already written. */
    public static ApiResponse okJson(byte[] body) {
        return new ApiResponse(HttpResponseStatus.OK, JSON, body, Map.of());
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
