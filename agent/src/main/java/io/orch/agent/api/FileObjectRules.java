package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.ServiceSpec;

import java.util.Map;

/** Rules secrets and configs share (swarmkit's validateSecretSpec / validateConfigSpec). */
final class FileObjectRules {
    private FileObjectRules() {}

    static void checkName(String kind, String name) throws ApiException {
        if (name.isEmpty()) {
            throw ApiException.badRequest("invalid " + kind + " spec: Name: is required");
        }
        String problem = ObjectNames.fileObjectNameProblem(name);
        if (problem != null) {
            throw ApiException.badRequest("invalid " + kind + " spec: Name: " + problem);
        }
    }

    /**
     * Docker's limits, in its words: data must be 1 byte or more and less than 500 KiB (secrets)
     * or 1000 KiB (configs): swarmkit refuses a size equal to the limit.
     */
    static void checkData(String kind, int size, int max) throws ApiException {
        if (size < 1 || size >= max) {
            throw ApiException.badRequest("invalid " + kind + " spec: Data: " + kind + " data must be larger than 0 and less than "
                    + max + " bytes");
        }
    }

    /** The body must be a JSON object; the raw Data is never echoed in an error. */
    static void checkObject(String kind, JsonNode body) throws ApiException {
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid " + kind + " spec: body: must be an object");
        }
    }

    /** Names of the services whose task template refers to the object (for "in use" errors). */
    static String usedBy(Iterable<io.orch.api.proto.Service> services, java.util.function.Predicate<ServiceSpec> uses) {
        StringBuilder sb = new StringBuilder();
        for (io.orch.api.proto.Service s : services) {
            if (uses.test(s.getSpec())) {
                sb.append(sb.length() == 0 ? "" : ", ").append(s.getSpec().getName());
            }
        }
        return sb.toString();
    }

    static boolean sameLabels(Map<String, String> a, Map<String, String> b) {
        return a.equals(b);
    }
}
