package io.orch.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRecordTest {
    private static final class Task extends TaskRecord {
        Task() {
            super("t1", 42, 1000);
        }

        @Override
        public TaskHandle handle() {
            return handle("test", "c1", Map.of("k", "v"));
        }
    }

    @Test
    void runsUntilItsExitIsCompleted() {
        Task task = new Task();
        assertTrue(task.running());

        task.exit.complete(new ExitResult(0, 0, false, "exited with 0"));

        assertFalse(task.running());
    }

    @Test
    void theHandleCarriesTheCommonIdentityAndTheDriversState() {
        assertEquals(new TaskHandle("t1", "test", 42, 1000, "c1", Map.of("k", "v")), new Task().handle());
    }

    @Test
    void theTableWaitsOnACopyOfTheExit() {
        TaskTable<Task> table = new TaskTable<>();
        Task task = new Task();
        table.put(task.taskId, task);

        table.waitFor("t1").cancel(true);

        assertTrue(task.running());
    }
}
