package io.orch.agent.manager;

import io.orch.api.proto.Task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a loop's task writes for one service that goes in this transaction: about one
 * entry budget's worth ({@code WriteTx.ENTRY_BUDGET_BYTES}), so a service scaled down from tens
 * of thousands of replicas, or updated all at once (parallelism 0), never makes a transaction the
 * store refuses as too large. The loop writes the rest in its next pass, planned again from the
 * store (planners are functions of the store, so a plan written in parts reaches the same end).
 *
 * <p>A slot's writes stay together (a retired task and its replacement, or the old task a rolling
 * update stops and the new one it starts: a slot must never be left with neither); slots that
 * retire a task come first, then history deletes, then new slots. A part is taken while it keeps
 * the total within the budget, and the first part always, so every pass makes progress; one part
 * over the budget alone is only possible with tasks near the store's object cap. What is taken
 * keeps the plan's order (a plan that fits is written exactly as before).
 *
 * @param create   tasks to create now
 * @param update   tasks to update now
 * @param delete   tasks to delete now
 * @param bytes    the serialized size of all of them
 * @param deferred some writes were left for the next pass
 */
record BoundedTaskWrites(List<Task> create, List<Task> update, List<Task> delete, long bytes, boolean deferred) {

    static BoundedTaskWrites of(List<Task> creates, List<Task> updates, List<Task> deletes, long budget) {
        Map<String, List<Task>> updatesBySlot = new LinkedHashMap<>();
        updates.forEach(t -> updatesBySlot.computeIfAbsent(slotOf(t), k -> new ArrayList<>()).add(t));
        Map<String, List<Task>> replacementsBySlot = new LinkedHashMap<>();
        List<Task> fresh = new ArrayList<>();
        for (Task t : creates) {
            if (updatesBySlot.containsKey(slotOf(t))) {
                replacementsBySlot.computeIfAbsent(slotOf(t), k -> new ArrayList<>()).add(t);
            } else {
                fresh.add(t);
            }
        }
        Selection taken = new Selection(budget);
        boolean all = takeAll(taken, updatesBySlot, replacementsBySlot, deletes, fresh);
        return new BoundedTaskWrites(taken.inPlanOrder(creates), taken.inPlanOrder(updates), taken.inPlanOrder(deletes),
                taken.bytes, !all);
    }

    /** Takes parts in order of priority while they fit; false once one did not. */
    private static boolean takeAll(Selection taken, Map<String, List<Task>> updatesBySlot,
            Map<String, List<Task>> replacementsBySlot, List<Task> deletes, List<Task> fresh) {
        for (Map.Entry<String, List<Task>> slot : updatesBySlot.entrySet()) {
            List<Task> part = new ArrayList<>(slot.getValue());
            part.addAll(replacementsBySlot.getOrDefault(slot.getKey(), List.of()));
            if (!taken.take(part)) {
                return false;
            }
        }
        for (Task t : deletes) {
            if (!taken.take(List.of(t))) {
                return false;
            }
        }
        for (Task t : fresh) {
            if (!taken.take(List.of(t))) {
                return false;
            }
        }
        return true;
    }

    /** A replicated task's slot, or a global task's node: what a replacement shares with the task it replaces. */
    static String slotOf(Task t) {
        if (t.getSlot() > 0) {
            return "slot:" + t.getSlot();
        }
        return t.getNodeId().isEmpty() ? "task:" + t.getId() : "node:" + t.getNodeId();
    }

    private static final class Selection {
        private final long budget;
        /** By identity: a plan may hold equal tasks in two lists. */
        private final Set<Task> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        private long bytes;

        Selection(long budget) {
            this.budget = budget;
        }

        /** Takes one part if it fits (or is the first); false when it does not. */
        boolean take(List<Task> part) {
            long size = 0;
            for (Task t : part) {
                size += t.getSerializedSize();
            }
            if (!taken.isEmpty() && bytes + size > budget) {
                return false;
            }
            taken.addAll(part);
            bytes += size;
            return true;
        }

        List<Task> inPlanOrder(List<Task> planned) {
            List<Task> out = new ArrayList<>();
            for (Task t : planned) {
                if (taken.contains(t)) {
                    out.add(t);
                }
            }
            return out;
        }
    }
}
