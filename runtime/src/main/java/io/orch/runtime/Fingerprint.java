package io.orch.runtime;

import java.util.Map;

/** Result of probing the node for a runtime: usable or not (with the reason), plus attributes. */
public record Fingerprint(boolean available, String reason, Map<String, String> attributes) {
    public static Fingerprint available(Map<String, String> attributes) {
        return new Fingerprint(true, "", Map.copyOf(attributes));
    }

    public static Fingerprint unavailable(String reason) {
        return new Fingerprint(false, reason, Map.of());
    }
}
