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
 * What supervising process tasks costs in JVM threads: a fixed few for all of them, however many
 * run (the exit-file watch and the JDK's inotify poller; neither the tasks' supervisors nor the
 * log stampers are our children, so no JDK reaper waits on them), and one for all re-attached
 * tasks, whose exits come from the same watch. It was three per task (1,600+ threads at 1,000
 * tasks), then one per task.
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
    void tasksCostAFixedFewThreadsWhateverTheirNumber() throws Exception {
        int before = threads();
        for (int i = 0; i < TASKS; i++) {
            agent.start(new TaskConfig("t" + i, "t" + i, "label-only", List.of("sleep", "1000"), Map.of(), null, "", "",
                    TaskConfig.Resources.NONE, Map.of(), tmp.resolve("t" + i)));
        }
        // the JDK reaps each short-lived setsid --fork parent on a pooled thread, reused from one
        // start to the next: a couple at most, idle, whatever the number of tasks
        int started = threads() - before;
        assertTrue(started <= 4, started + " threads for " + TASKS + " tasks");
        System.out.println("SupervisionThreadsTest: " + started + " more threads with " + TASKS + " tasks running");

        int beforeReattach = threads();
        for (int i = 0; i < TASKS; i++) {
            assertTrue(nextAgent.recover(agent.inspect("t" + i).orElseThrow()));
        }
        int reattached = threads() - beforeReattach;
        assertTrue(reattached <= 2, reattached + " threads to watch " + TASKS + " re-attached tasks");
    }
}
