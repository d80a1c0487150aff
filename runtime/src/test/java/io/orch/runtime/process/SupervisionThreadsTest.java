package io.orch.runtime.process;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.TaskConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What supervising process tasks costs in JVM threads: at most one per task started here (the
 * JDK's reaper of the task, which yields its exit status; the log stampers are not our children)
 * and one for all re-attached tasks. It was three per task (1,600+ threads at 1,000 tasks).
 */
@Timeout(120)
class SupervisionThreadsTest {
    private static final int TASKS = 50;

    @TempDir
    Path tmp;

    private final ProcessRuntime agent = new ProcessRuntime();
    private final ProcessRuntime nextAgent = new ProcessRuntime();

    @AfterEach
    void cleanUp() {
        for (int i = 0; i < TASKS; i++) {
            agent.destroy("t" + i);
        }
        agent.close();
        nextAgent.close();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void tasksCostAtMostOneThreadEachAndReattachedOnesOneForAll() throws Exception {
        int before = threads();
        for (int i = 0; i < TASKS; i++) {
            agent.start(new TaskConfig("t" + i, "t" + i, "label-only", List.of("sleep", "1000"), Map.of(), null, "", "",
                    TaskConfig.Resources.NONE, Map.of(), tmp.resolve("t" + i)));
        }
        int started = threads() - before;
        assertTrue(started <= TASKS + 2, started + " threads for " + TASKS + " tasks");

        int beforeReattach = threads();
        for (int i = 0; i < TASKS; i++) {
            assertTrue(nextAgent.recover(agent.inspect("t" + i).orElseThrow()));
        }
        int reattached = threads() - beforeReattach;
        assertTrue(reattached <= 1, reattached + " threads to watch " + TASKS + " re-attached tasks");
    }
}
