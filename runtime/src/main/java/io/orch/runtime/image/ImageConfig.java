package io.orch.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.health.HealthSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of an image's config (OCI image-spec "config" object, the same in docker archives)
 * that decides how its containers run, plus the layer diff ids used to verify the layers.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          Map<String, String> labels, String stopSignal, Optional<HealthSpec> healthcheck,
                          List<String> exposedPorts, String os, String architecture, String created,
                          List<Digest> diffIds) {
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        exposedPorts = List.copyOf(exposedPorts);
        diffIds = List.copyOf(diffIds);
    }

    static ImageConfig parse(JsonNode root) throws ImageException {
        JsonNode c = root.path("config");
        if (c.isMissingNode() || c.isNull()) {
            c = root.path("container_config"); // very old docker archives
        }
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (IllegalArgumentException e) {
                throw new ImageException("image config rootfs.diff_ids: " + e.getMessage());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<String> ports = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""), labels, c.path("StopSignal").asText(""),
                healthcheck(c.path("Healthcheck")), ports, root.path("os").asText("linux"),
                root.path("architecture").asText(""), root.path("created").asText(""), diffIds);
    }

    private static Optional<HealthSpec> healthcheck(JsonNode h) {
        if (h.isMissingNode() || h.isNull() || !h.has("Test")) {
            return Optional.empty();
        }
        // Durations are nanoseconds in image configs, as in the Engine API.
        return Optional.of(new HealthSpec(strings(h.path("Test")), Duration.ofNanos(h.path("Interval").asLong()),
                Duration.ofNanos(h.path("Timeout").asLong()), Duration.ofNanos(h.path("StartPeriod").asLong()),
                h.path("Retries").asInt()));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }
}
