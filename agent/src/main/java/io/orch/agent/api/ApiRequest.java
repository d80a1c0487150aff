package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One decoded request, as a route sees it.
 *
 * @param method     the HTTP method
 * @param path       the path without the optional {@code /vX.Y} prefix
 * @param pathParams values of the route template's {@code {name}} segments
 * @param query      the decoded query parameters
 * @param body       the request body (empty when none, or when it was spooled to {@code bodyFile})
 * @param bodyFile   a large body spooled to disk by {@link UploadSpooler} (image uploads), or null
 * @param headers    the request's headers (looked up case-insensitively); never logged, they may carry credentials
 */
public record ApiRequest(HttpMethod method, String path, Map<String, String> pathParams,
                         Map<String, List<String>> query, byte[] body, Path bodyFile, HttpHeaders headers) {

    public ApiRequest(HttpMethod method, String path, Map<String, String> pathParams,
                      Map<String, List<String>> query, byte[] body, Path bodyFile) {
        this(method, path, pathParams, query, body, bodyFile, EmptyHttpHeaders.INSTANCE);
    }

    /** A header's value, if the request has it (case-insensitive name). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    public ApiRequest(HttpMethod method, String path, Map<String, String> pathParams,
                      Map<String, List<String>> query, byte[] body) {
        this(method, path, pathParams, query, body, null);
    }

    /** The body, wherever it is: the spooled file or the in-memory bytes. */
    public InputStream bodyStream() throws IOException {
        return bodyFile != null ? Files.newInputStream(bodyFile) : new ByteArrayInputStream(body);
    }

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return value;
    }

    public Optional<String> query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A boolean query flag the way Docker reads one (httputils.BoolValue): "", 0, no, false, none are false. */
    public boolean flag(String name) {
        String v = query(name).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("");
        return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
    }

    /** The {@code version} query parameter of an update: required, a positive integer. */
    public long requiredVersion() throws ApiException {
        String raw = query("version").orElseThrow(() -> ApiException.badRequest("missing version query parameter (the object's Version.Index)"));
        try {
            long v = Long.parseLong(raw.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw ApiException.badRequest("invalid version \"" + raw + "\": must be a positive integer");
    }

    /** The body as a JSON tree; 400 when it is missing, not JSON, or nested too deep ({@link RequestJson}). */
    public JsonNode jsonBody() throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest("request body is empty; expected a JSON object");
        }
        JsonNode node = RequestJson.read(body, "request body");
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest("request body is empty; expected a JSON object");
        }
        return node;
    }
}
