package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.ServiceSpec;

import java.util.Map;
import java.util.regex.Pattern;

/** Rules secrets and configs share (swarmkit's validateSecretSpec / validateConfigSpec). */
final class FileObjectRules {
    /** swarmkit's name rule for secrets and configs. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9])?");
    static final int MAX_NAME = 64;

    private FileObjectRules() {}

    static void checkName(String kind, String name) throws ApiException {
        if (name.isEmpty()) {
            throw ApiException.badRequest("invalid " + kind + " spec: Name: is required");
        }
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid " + kind + " spec: Name: invalid name \"" + name
                    + "\" (at most 64 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
        }
    }

    /** Docker's limits: data must be 1 byte .. 500 KiB (secrets) or 1000 KiB (configs). */
    static void checkData(String kind, int size, int max) throws ApiException {
        if (size < 1 || size > max) {
            throw ApiException.badRequest("invalid " + kind + " spec: Data: must be between 1 byte and " + (max / 1024)
                    + " KiB, got " + size + " bytes");
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
