package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A service's tasks grouped by slot: the slot number of a replicated service ("1", "2", ...),
 * the node of a global service or global job. Each slot's tasks come oldest first; the last live one is the
 * slot's current task, the others are its history (or, during a start-first update, the old
 * task still serving while its replacement starts).
 */
public final class Slots {
    private Slots() {}

    public static Map<String, List<Task>> of(Service service, List<Task> tasks) {
        boolean global = JobModes.perNode(service);
        Map<String, List<Task>> slots = new TreeMap<>(Slots::compareKeys);
        for (Task t : tasks) {
            slots.computeIfAbsent(key(t, global), k -> new ArrayList<>()).add(t);
        }
        for (List<Task> history : slots.values()) {
            history.sort(Comparator.comparing((Task t) -> Times.instant(t.getCreatedAt())).thenComparing(TaskStates::live));
        }
        return slots;
    }

    public static String key(Task t, boolean global) {
        return global ? t.getNodeId() : Long.toString(t.getSlot());
    }

    /** Replicated slots in numeric order (2 before 10); node ids alphabetically. */
    static int compareKeys(String a, String b) {
        boolean na = isNumber(a);
        boolean nb = isNumber(b);
        if (na && nb) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na == nb ? a.compareTo(b) : (na ? -1 : 1);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
