package io.orch.agent.events;

import com.google.protobuf.Message;
import io.orch.api.model.Times;
import io.orch.api.proto.Config;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.Task;
import io.orch.api.proto.UpdateStatus;
import io.orch.raft.store.StoreEvent;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns one applied store change into the event dockerd emits for it (moby daemon/events.go,
 * generateClusterEvent): services, nodes, secrets, configs and networks are created, updated
 * and removed, with the {@code name} attribute always and, on an update, the {@code .old}/{@code .new}
 * pairs of what Docker reports (a node's availability, role, state, leadership and reachability;
 * a service's image, replicas and update state). The time is the object's CreatedAt for a
 * create, its UpdatedAt for an update (both the proposing manager's clock, so every manager
 * gives the same time) and now for a remove (the store keeps no time of a delete; so does Docker).
 *
 * <p>Beyond Docker: {@code task} events (create, remove, and an update when the state, desired
 * state or node changed), with the task's {@code service} and {@code node}. Store writes that
 * change nothing a user sees are no events: a node rewritten with the same description, a
 * network whose address cursor moved (every address allocation), a task whose status
 * message or timestamp changed alone. The cluster object has no events, as in Docker.
 */
public final class StoreEventTranslator {
    private StoreEventTranslator() {}

    /**
     * @param now          the time of a remove
     * @param serviceNames a service's name by id (a task's {@code service} attribute); empty when unknown
     */
    public static Optional<ClusterEvent> translate(StoreEvent e, Instant now, Function<String, Optional<String>> serviceNames) {
        String action = switch (e.type()) {
            case CREATE -> "create";
            case UPDATE -> "update";
            case DELETE -> "remove";
        };
        Message object = e.object();
        Message old = e.type() == StoreEvent.Type.UPDATE ? e.before() : null;
        long time = timeNano(e, now);
        return switch (e.kind()) {
            case NODE -> node(action, (Node) object, (Node) old, time);
            case SERVICE -> service(action, (Service) object, (Service) old, time);
            case TASK -> task(action, (Task) object, (Task) old, time, serviceNames);
            case SECRET -> {
                Secret s = (Secret) object;
                yield plain("secret", action, s.getId(), s.getSpec().getName(), s.getSpec().getLabelsMap(), time);
            }
            case CONFIG -> {
                Config c = (Config) object;
                yield plain("config", action, c.getId(), c.getSpec().getName(), c.getSpec().getLabelsMap(), time);
            }
            case NETWORK -> network(action, (Network) object, (Network) old, time);
            case CLUSTER -> Optional.empty();
        };
    }

    private static long timeNano(StoreEvent e, Instant now) {
        Instant t = switch (e.type()) {
            case CREATE -> Times.instant((com.google.protobuf.Timestamp) field(e.object(), 3));
            case UPDATE -> Times.instant((com.google.protobuf.Timestamp) field(e.object(), 4));
            case DELETE -> now;
        };
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Every stored object has created_at at field 3 and updated_at at field 4 (see ObjectKind). */
    private static Object field(Message m, int number) {
        return m.getField(m.getDescriptorForType().findFieldByNumber(number));
    }

    private static Optional<ClusterEvent> plain(String type, String action, String id, String name, Map<String, String> labels,
                                                long time) {
        return Optional.of(new ClusterEvent(type, action, id, new TreeMap<>(Map.of("name", name)), labels, Map.of(), time));
    }

    private static Optional<ClusterEvent> node(String action, Node node, Node old, long time) {
        String name = node.getSpec().getName().isEmpty() ? node.getDescription().getHostname() : node.getSpec().getName();
        TreeMap<String, String> attrs = new TreeMap<>(Map.of("name", name));
        if (old != null) {
            if (sameApartFrom(node, old, "attachments")) {
                return Optional.empty();
            }
            pair(attrs, "availability", lower(old.getSpec().getAvailability()), lower(node.getSpec().getAvailability()));
            pair(attrs, "role", lower(old.getSpec().getRole()), lower(node.getSpec().getRole()));
            pair(attrs, "state", lower(old.getStatus().getState()), lower(node.getStatus().getState()));
            if (node.hasManagerStatus() && old.hasManagerStatus()) {
                pair(attrs, "leader", Boolean.toString(old.getManagerStatus().getLeader()),
                        Boolean.toString(node.getManagerStatus().getLeader()));
                pair(attrs, "reachability", lower(old.getManagerStatus().getReachability()),
                        lower(node.getManagerStatus().getReachability()));
            }
        }
        return Optional.of(new ClusterEvent("node", action, node.getId(), attrs, node.getSpec().getLabelsMap(), Map.of(), time));
    }

    private static Optional<ClusterEvent> service(String action, Service service, Service old, long time) {
        TreeMap<String, String> attrs = new TreeMap<>(Map.of("name", service.getSpec().getName()));
        if (old != null) {
            if (sameApartFrom(service, old)) {
                return Optional.empty();
            }
            pair(attrs, "image", old.getSpec().getTaskTemplate().getContainerSpec().getImage(),
                    service.getSpec().getTaskTemplate().getContainerSpec().getImage());
            ServiceMode mode = service.getSpec().getMode();
            ServiceMode oldMode = old.getSpec().getMode();
            if (mode.hasReplicated() && oldMode.hasReplicated()) {
                pair(attrs, "replicas", Long.toUnsignedString(oldMode.getReplicated().getReplicas()),
                        Long.toUnsignedString(mode.getReplicated().getReplicas()));
            }
            if (service.hasUpdateStatus()) {
                String now = updateState(service.getUpdateStatus().getState());
                if (!old.hasUpdateStatus()) {
                    attrs.put("updatestate.new", now);
                } else {
                    pair(attrs, "updatestate", updateState(old.getUpdateStatus().getState()), now);
                }
            }
        }
        return Optional.of(new ClusterEvent("service", action, service.getId(), attrs, service.getSpec().getLabelsMap(),
                Map.of(), time));
    }

    private static Optional<ClusterEvent> network(String action, Network network, Network old, long time) {
        if (old != null && sameApartFrom(network, old, "allocation_cursor")) {
            return Optional.empty(); // an address handed out: the network as users see it did not change
        }
        return plain("network", action, network.getId(), network.getSpec().getName(), network.getSpec().getLabelsMap(), time);
    }

    private static Optional<ClusterEvent> task(String action, Task task, Task old, long time,
                                               Function<String, Optional<String>> serviceNames) {
        String service = serviceNames.apply(task.getServiceId()).orElse(task.getServiceId());
        TreeMap<String, String> attrs = new TreeMap<>();
        // swarmkit's naming.Task: web.1.<id>, web.<node>.<id> for a global task
        attrs.put("name", !task.getName().isEmpty() ? task.getName()
                : service + "." + (task.getSlot() > 0 ? Long.toString(task.getSlot()) : task.getNodeId()) + "." + task.getId());
        attrs.put("service", service);
        if (!task.getNodeId().isEmpty()) {
            attrs.put("node", task.getNodeId());
        }
        if (old != null) {
            boolean moved = task.getStatus().getState() != old.getStatus().getState()
                    || task.getDesiredState() != old.getDesiredState() || !task.getNodeId().equals(old.getNodeId());
            if (!moved) {
                return Optional.empty(); // status messages, health, addresses: too many, and no state change
            }
            pair(attrs, "state", lower(old.getStatus().getState()), lower(task.getStatus().getState()));
            pair(attrs, "desiredstate", lower(old.getDesiredState()), lower(task.getDesiredState()));
        }
        Map<String, String> related = new HashMap<>();
        related.put("service", task.getServiceId());
        if (!task.getNodeId().isEmpty()) {
            related.put("node", task.getNodeId());
        }
        return Optional.of(new ClusterEvent("task", action, task.getId(), attrs, task.getLabelsMap(), related, time));
    }

    /** Docker's "x.old"/"x.new" pair, only when the value changed. */
    private static void pair(Map<String, String> attrs, String key, String before, String after) {
        if (!before.equals(after)) {
            attrs.put(key + ".old", before);
            attrs.put(key + ".new", after);
        }
    }

    /** Whether the two versions differ only in their version, UpdatedAt and the named fields. */
    private static boolean sameApartFrom(Message now, Message before, String... ignored) {
        return strip(now, ignored).equals(strip(before, ignored));
    }

    private static Message strip(Message m, String... ignored) {
        Message.Builder b = m.toBuilder();
        var d = m.getDescriptorForType();
        b.clearField(d.findFieldByNumber(2));
        b.clearField(d.findFieldByNumber(4));
        for (String name : ignored) {
            b.clearField(d.findFieldByName(name));
        }
        return b.build();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** swarmkit's UpdateStatus states, lower-cased as Docker prints them ("unknown" for an unset one). */
    private static String updateState(UpdateStatus.State state) {
        return state == UpdateStatus.State.UNSPECIFIED ? "unknown" : lower(state);
    }
}
