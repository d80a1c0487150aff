package io.orch.agent.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;

import java.util.Map;
import java.util.SortedMap;

/**
 * One event of Docker's events API for a swarm object ({@code events.Message}): what changed
 * ({@code type}, {@code action}), which object ({@code actorId} and its {@code attributes}) and
 * when ({@code timeNano}). {@code labels} and {@code related} are not shown: the filters match
 * them ({@code label=}, and a task's service and node for {@code service=} and {@code node=}).
 *
 * @param attributes what Docker shows as {@code Actor.Attributes}, sorted as Go encodes a map
 * @param labels     the object's labels, for {@code label} filters
 * @param related    ids of the objects this one belongs to (a task's "service" and "node"), for filters
 */
public record ClusterEvent(String type, String action, String actorId, SortedMap<String, String> attributes,
                           Map<String, String> labels, Map<String, String> related, long timeNano) {
    /** Bytes counted per event besides its strings (object headers, map entries), for the buffers' byte bounds. */
    private static final int OVERHEAD = 256;

    public ClusterEvent {
        attributes = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(attributes));
        labels = Map.copyOf(labels);
        related = Map.copyOf(related);
    }

    public String name() {
        return attributes.getOrDefault("name", "");
    }

    /**
     * Docker's JSON: {@code Type}, {@code Action}, {@code Actor {ID, Attributes}}, {@code scope},
     * {@code time}, {@code timeNano}. The legacy {@code status}/{@code id}/{@code from} are only
     * set by Docker for container and image events, so not here.
     */
    public ObjectNode toJson() {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("Type", type).put("Action", action);
        ObjectNode actor = out.putObject("Actor");
        actor.put("ID", actorId);
        ObjectNode attrs = actor.putObject("Attributes");
        attributes.forEach(attrs::put);
        out.put("scope", "swarm")
                .put("time", Math.floorDiv(timeNano, 1_000_000_000L))
                .put("timeNano", timeNano);
        return out;
    }

    /** Roughly what this event holds in memory, to bound the buffers that keep events by bytes as well as by count. */
    public long estimatedBytes() {
        long n = OVERHEAD + 2L * (type.length() + action.length() + actorId.length());
        for (Map<String, String> m : java.util.List.of(attributes, labels, related)) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                n += 64 + 2L * (e.getKey().length() + e.getValue().length());
            }
        }
        return n;
    }
}
