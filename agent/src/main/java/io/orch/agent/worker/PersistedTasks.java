package io.orch.agent.worker;

import io.orch.runtime.TaskHandle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a worker keeps its tasks in the data dir, and which tasks it has handles of: what the
 * start-up sweep must leave alone (anything else of the runtimes' is a leftover).
 */
public final class PersistedTasks {
    private PersistedTasks() {}

    /** The task dirs (logs, bundles, secrets), one per task id. */
    public static Path tasksDir(Path dataDir) {
        return dataDir.resolve("tasks");
    }

    static Path handlesDir(Path dataDir) {
        return dataDir.resolve("worker").resolve("handles");
    }

    /** The ids of the tasks this node's worker has handles of; throws when they cannot be listed. */
    public static Set<String> taskIds(Path dataDir) throws IOException {
        if (!java.nio.file.Files.isDirectory(handlesDir(dataDir))) {
            return Set.of(); // a new node: nothing to read, and nothing created here
        }
        return new HandleStore(handlesDir(dataDir)).loadAll().stream().map(TaskHandle::taskId)
                .collect(Collectors.toUnmodifiableSet());
    }
}
