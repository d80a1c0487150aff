package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.ServiceSpec;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a request body into a validated ServiceSpec. The checks that need the raw JSON live
 * here (the proto's Mode is a oneof, so "both Global and Replicated" is invisible after
 * parsing; unknown modes would be silently dropped); everything else is
 * {@link ServiceSpecValidator}'s.
 */
final class ServiceSpecReader {
    static final String PREFIX = "invalid ServiceSpec: ";

    private ServiceSpecReader() {}

    static ServiceSpec read(JsonNode body) throws ApiException {
        if (!body.isObject()) {
            throw ApiException.badRequest(PREFIX + "body: must be an object");
        }
        JsonNode mode = field(body, "Mode");
        if (mode != null && mode.isObject()) {
            boolean replicated = present(field(mode, "Replicated"));
            boolean global = present(field(mode, "Global"));
            if (replicated && global) {
                throw ApiException.badRequest(PREFIX + "Mode: set either Replicated or Global, not both");
            }
            for (String job : new String[] {"ReplicatedJob", "GlobalJob"}) {
                if (present(field(mode, job))) {
                    throw ApiException.badRequest(PREFIX + "Mode." + job + ": jobs are not supported by orch yet");
                }
            }
        }
        ServiceSpec.Builder spec;
        try {
            spec = DockerJson.merge(body, ServiceSpec.newBuilder());
        } catch (JsonModelException e) {
            throw ApiException.badRequest(PREFIX + e.getMessage());
        }
        return ServiceSpecValidator.validate(spec.build());
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }

    /** Go's encoding/json matches keys case-insensitively; so do we. */
    private static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return e.getValue();
            }
        }
        return null;
    }
}
