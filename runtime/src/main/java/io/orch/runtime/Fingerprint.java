package io.orch.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Result of probing the node for a runtime: usable or not (with the reason), plus attributes. */
public record Fingerprint(boolean available, String reason, Map<String, String> attributes) {
    public static Fingerprint available(Map<String, String> attributes) {
        return new Fingerprint(true, "", Map.copyOf(attributes));
    }

    public static Fingerprint unavailable(String reason) {
        return new Fingerprint(false, reason, Map.of());
    }

    /**
     * Unavailable for {@code problem} when there is one, else what {@code probe} finds (a probe
     * may still find the runtime unusable, e.g. a binary that does not answer).
     */
    public static Fingerprint unlessUnavailable(Optional<String> problem, Supplier<Fingerprint> probe) {
        return problem.map(Fingerprint::unavailable).orElseGet(probe);
    }
}
