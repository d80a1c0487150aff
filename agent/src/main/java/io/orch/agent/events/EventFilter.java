package io.orch.agent.events;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which events one {@code GET /events} wants, as Docker's events filter (moby daemon/events/filter.go)
 * reads {@code filters}: values of one key are OR-ed, keys are AND-ed. {@code type}, {@code event}
 * (and its alias {@code action}) and {@code scope} match exactly; {@code service}, {@code node},
 * {@code secret}, {@code config}, {@code network} and {@code task} match an event whose object's
 * ID or name starts with one of the values, of whatever type (so does Docker: {@code node=abc}
 * keeps only the events of objects named or numbered abc...), and a task's event also when its
 * service or node (by ID prefix or service name) does; {@code label} ({@code key} or
 * {@code key=value}, all must hold) matches the object's labels.
 *
 * @param values the filter's values by key, already checked by {@link #of}
 */
public record EventFilter(Map<String, Set<String>> values) implements Predicate<ClusterEvent> {
    /** Every key this endpoint takes. */
    public static final Set<String> KEYS = Set.of("type", "event", "action", "scope", "label",
            "service", "node", "secret", "config", "network", "task");
    /** Docker's keys for events orch never emits (engine-local ones): refused, rather than matching nothing silently. */
    public static final Set<String> LOCAL_KEYS = Set.of("container", "image", "volume", "plugin", "daemon");
    /** The types Docker knows, and orch's {@code task}: a typo in {@code type=} is refused. */
    public static final Set<String> TYPES = Set.of("builder", "config", "container", "daemon", "image", "network", "node",
            "plugin", "secret", "service", "volume", "task");
    private static final Set<String> SCOPES = Set.of("local", "swarm");
    private static final String[] NAMED = {"service", "node", "secret", "config", "network", "task"};

    public EventFilter {
        values = Map.copyOf(values);
    }

    public static EventFilter all() {
        return new EventFilter(Map.of());
    }

    /**
     * Checks the keys and values; the message of the {@link IllegalArgumentException} names the
     * key (and the value) that is wrong.
     */
    public static EventFilter of(Map<String, Set<String>> values) {
        for (Map.Entry<String, Set<String>> e : values.entrySet()) {
            String key = e.getKey();
            if (LOCAL_KEYS.contains(key)) {
                throw new IllegalArgumentException("invalid filter '" + key + "': orch emits swarm events only "
                        + "(types config, network, node, secret, service, task), no " + key + " events");
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("invalid filter '" + key + "'");
            }
            for (String v : e.getValue()) {
                if (key.equals("type") && !TYPES.contains(v)) {
                    throw new IllegalArgumentException("invalid filter 'type=" + v + "': expected one of "
                            + String.join(", ", new java.util.TreeSet<>(TYPES)));
                }
                if (key.equals("scope") && !SCOPES.contains(v)) {
                    throw new IllegalArgumentException("invalid filter 'scope=" + v + "': expected local or swarm");
                }
            }
        }
        return new EventFilter(values);
    }

    @Override
    public boolean test(ClusterEvent e) {
        if (!exact("type", e.type()) || !exact("scope", "swarm") || !action(e.action())) {
            return false;
        }
        for (String key : NAMED) {
            if (has(key) && !named(key, e)) {
                return false;
            }
        }
        return labels(e.labels());
    }

    private boolean has(String key) {
        Set<String> v = values.get(key);
        return v != null && !v.isEmpty();
    }

    private boolean exact(String key, String actual) {
        return !has(key) || values.get(key).contains(actual);
    }

    private boolean action(String action) {
        if (!has("event") && !has("action")) {
            return true;
        }
        return values.getOrDefault("event", Set.of()).contains(action) || values.getOrDefault("action", Set.of()).contains(action);
    }

    /** Docker's fuzzyMatchName: the object's ID or name starts with a value; for a task, its service's or node's too. */
    private boolean named(String key, ClusterEvent e) {
        for (String v : values.get(key)) {
            if (e.actorId().startsWith(v) || e.name().startsWith(v)) {
                return true;
            }
            if (e.type().equals("task") && (key.equals("service") || key.equals("node"))) {
                String id = e.related().getOrDefault(key, "");
                String shown = e.attributes().getOrDefault(key, "");
                if (!id.isEmpty() && id.startsWith(v) || !shown.isEmpty() && shown.equals(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every label filter holds: {@code key} present, or {@code key=value} equal. */
    private boolean labels(Map<String, String> labels) {
        for (String f : values.getOrDefault("label", Set.of())) {
            int eq = f.indexOf('=');
            if (eq < 0 ? !labels.containsKey(f) : !f.substring(eq + 1).equals(labels.get(f.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }
}
