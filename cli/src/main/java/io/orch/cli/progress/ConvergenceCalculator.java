package io.orch.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pure heart of {@code service create/scale} progress: from one snapshot of the service, its
 * up-to-date tasks and the nodes, how far along is it? Follows docker's progress updaters:
 * per slot (or node) the task with the lowest desired state wins, tasks on down nodes are ignored,
 * and a task counts as running when observed running with a non-terminal desired state.
 */
public final class ConvergenceCalculator {
    private ConvergenceCalculator() {}

    public static ConvergenceSnapshot compute(JsonNode service, JsonNode tasks, JsonNode nodes) {
        String failure = pausedUpdate(service.path("UpdateStatus"));
        Set<String> activeNodes = new HashSet<>();
        for (JsonNode n : nodes) {
            if (!"down".equals(n.path("Status").path("State").asText())) activeNodes.add(n.path("ID").asText());
        }
        JsonNode mode = service.path("Spec").path("Mode");
        ConvergenceSnapshot s = mode.has("Global") ? global(tasks, activeNodes) : replicated(mode.path("Replicated").path("Replicas").asLong(1), tasks, activeNodes);
        return new ConvergenceSnapshot(s.running(), s.desired(), s.slots(), failure);
    }

    private static ConvergenceSnapshot replicated(long replicas, JsonNode tasks, Set<String> activeNodes) {
        Map<Integer, JsonNode> bySlot = pick(tasks, activeNodes, t -> t.path("Slot").asInt());
        Map<Integer, JsonNode> failedBySlot = latestFailed(tasks, t -> t.path("Slot").asInt());
        long running = bySlot.values().stream().filter(ConvergenceCalculator::countsAsRunning).count();
        TreeMap<Integer, JsonNode> ordered = new TreeMap<>(bySlot);
        failedBySlot.forEach((slot, t) -> ordered.putIfAbsent(slot, t));
        // docker maps the real slot numbers onto 1..replicas in order; extra slots are not shown
        List<SlotProgress> lines = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<Integer, JsonNode> e : ordered.entrySet()) {
            if (++shown > replicas) break;
            lines.add(line(shown + "/" + replicas, e.getValue(), failedBySlot.get(e.getKey())));
        }
        return new ConvergenceSnapshot(running, replicas, lines, null);
    }

    private static ConvergenceSnapshot global(JsonNode tasks, Set<String> activeNodes) {
        Map<String, JsonNode> byNode = pick(tasks, activeNodes, t -> t.path("NodeID").asText());
        byNode.remove("");
        Map<String, JsonNode> failedByNode = latestFailed(tasks, t -> t.path("NodeID").asText());
        long running = byNode.values().stream().filter(ConvergenceCalculator::countsAsRunning).count();
        List<SlotProgress> lines = new ArrayList<>();
        new TreeMap<>(byNode).forEach((node, t) -> lines.add(line(shortId(node), t, failedByNode.get(node))));
        // the orchestrator creates a task for every eligible node at once, so the nodes with a
        // live task are the eligible ones; none yet means nothing can have converged
        long desired = byNode.isEmpty() ? -1 : byNode.size();
        return new ConvergenceSnapshot(running, desired, lines, null);
    }

    private static boolean countsAsRunning(JsonNode t) {
        return !TaskStates.terminal(t.path("DesiredState").asText()) && "running".equals(t.path("Status").path("State").asText());
    }

    private static SlotProgress line(String key, JsonNode task, JsonNode failed) {
        String state = task.path("Status").path("State").asText();
        String err = task.path("Status").path("Err").asText("");
        if (err.isEmpty() && failed != null && !"running".equals(state)) err = failed.path("Status").path("Err").asText("");
        return new SlotProgress(key, state, err.isEmpty() ? null : err);
    }

    private interface KeyOf<K> {
        K of(JsonNode task);
    }

    private static <K> Map<K, JsonNode> pick(JsonNode tasks, Set<String> activeNodes, KeyOf<K> keyOf) {
        Map<K, JsonNode> picked = new HashMap<>();
        for (JsonNode t : tasks) {
            int desired = TaskStates.number(t.path("DesiredState").asText());
            int observed = TaskStates.number(t.path("Status").path("State").asText());
            if (desired == 0 || observed == 0) continue;
            String node = t.path("NodeID").asText("");
            if (!node.isEmpty() && !activeNodes.contains(node)) continue;
            K key = keyOf.of(t);
            JsonNode existing = picked.get(key);
            if (existing != null) {
                int exDesired = TaskStates.number(existing.path("DesiredState").asText());
                int exObserved = TaskStates.number(existing.path("Status").path("State").asText());
                if (exDesired < desired) continue;
                if (exDesired == desired && exObserved <= observed) continue;
            }
            picked.put(key, t);
        }
        return picked;
    }

    /** The newest failed/rejected task per key, so its error can be shown while a replacement starts. */
    private static <K> Map<K, JsonNode> latestFailed(JsonNode tasks, KeyOf<K> keyOf) {
        Map<K, JsonNode> latest = new HashMap<>();
        for (JsonNode t : tasks) {
            if (t.path("Status").path("Err").asText("").isEmpty()) continue;
            if (TaskStates.number(t.path("Status").path("State").asText()) != 0) continue;
            K key = keyOf.of(t);
            JsonNode ex = latest.get(key);
            if (ex == null || timestamp(t).compareTo(timestamp(ex)) > 0) latest.put(key, t);
        }
        return latest;
    }

    private static String timestamp(JsonNode t) {
        return t.path("Status").path("Timestamp").asText("");
    }

    private static String pausedUpdate(JsonNode updateStatus) {
        String state = updateStatus.path("State").asText("");
        if (state.equals("paused") || state.equals("rollback_paused")) {
            return new UpdateProgress(state, updateStatus.path("Message").asText("")).failure(UpdateProgress.Goal.CONVERGE);
        }
        return null;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
