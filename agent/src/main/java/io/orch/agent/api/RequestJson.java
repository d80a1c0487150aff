package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.api.json.DockerJson;

import java.io.IOException;

/**
 * Reads the JSON a client sends (request bodies, the {@code filters} query parameter) with a
 * bound on nesting: Docker's deepest spec is about ten levels, so {@value #MAX_DEPTH} is plenty,
 * and a document nested thousands deep is refused by the parser before any tree is built (every
 * recursive walk of the tree after it, ours or Jackson's, is then shallow). The refusal is one
 * line of ours, not Jackson's (which names its own classes).
 */
final class RequestJson {
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper READER = DockerJson.MAPPER.copyWith(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());

    private RequestJson() {}

    /**
     * @param what names the input in the 400 ("request body", "filters")
     * @return the tree; null or a missing node for an empty document
     */
    static JsonNode read(byte[] json, String what) throws ApiException {
        try {
            return READER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("invalid JSON in " + what + ": nested more than " + MAX_DEPTH + " levels deep");
        } catch (IOException e) {
            // the parser's own message names line and column; never echo the input itself
            throw ApiException.badRequest("invalid JSON in " + what + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
