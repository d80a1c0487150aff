package io.orch.cli.progress;

import java.util.Map;

/** Docker's numbering of the task states that lead up to "running" (0 = terminal or unknown). */
public final class TaskStates {
    public static final int RUNNING = 9;
    private static final Map<String, Integer> ORDER = Map.of(
            "new", 1, "allocated", 2, "pending", 3, "assigned", 4, "accepted", 5,
            "preparing", 6, "ready", 7, "starting", 8, "running", 9);

    private TaskStates() {}

    public static int number(String state) {
        return state == null ? 0 : ORDER.getOrDefault(state, 0);
    }

    /** Terminal desired states (shutdown, remove, complete...) mean the task is on its way out. */
    public static boolean terminal(String state) {
        return number(state) == 0;
    }
}
