package io.orch.agent.dispatch;

import io.orch.api.proto.TaskState;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker agent restarted while no manager answers resumes from the assignment set it kept:
 * it re-attaches its tasks at once and restarts them per their restart policy, and the
 * managers' set wins again once one answers.
 */
class WorkerResumeTest {
    @TempDir
    Path dataDir;
    private DispatchFixture f;
    private final FakeRuntime runtime = new FakeRuntime(); // outlives the agent process, as runc does

    @BeforeEach
    void setUp() throws Exception {
        f = new DispatchFixture();
        f.createNode("w1");
        f.createService("svc1", "web");
        f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
        f.startManager("m1");
        DispatchFixture.WorkerNode first = f.startKeepingWorker("w1", dataDir, runtime, "m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
        f.killManager("m1");
        f.stopWorker(first);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aRestartedWorkerReattachesAndRestartsItsTaskWithNoManager() throws Exception {
        assertTrue(runtime.isRunning("t1"), "the task outlived its agent");
        DispatchFixture.WorkerNode w1 = f.startKeepingWorker("w1", dataDir, runtime, "m1");
        assertEquals(1, w1.worker().supervised(), "re-attached from the kept set, no manager needed");
        assertFalse(w1.view().complete(), "a kept set is not the managers' word");

        assertTrue(runtime.exit("t1", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.startCount("t1") == 2 && runtime.isRunning("t1"));
        long restartedPid = runtime.inspect("t1").orElseThrow().pid();

        f.startManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> w1.client().connected() && w1.client().pendingStatuses() == 0
                && f.task("t1").getStatus().getContainerStatus().getPid() == restartedPid);
        assertEquals(TaskState.RUNNING, f.task("t1").getStatus().getState());
        assertEquals(Set.of("t1"), runtime.runningTaskIds());
        assertTrue(w1.view().complete());
    }

    @Test
    void theManagersSetWinsOverTheKeptOneWhenAManagerAnswers() throws Exception {
        DispatchFixture.WorkerNode w1 = f.startKeepingWorker("w1", dataDir, runtime, "m1");
        // meanwhile the orchestrator shut t1 down and put a replacement for its slot here
        f.setDesiredState("t1", TaskState.SHUTDOWN);
        f.createTask(DispatchFixture.assigned("t1b", "svc1", 1, "w1").build());
        assertEquals(Set.of("t1"), runtime.runningTaskIds(), "kept running while no manager answers");

        f.startManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.SHUTDOWN
                && f.task("t1b").getStatus().getState() == TaskState.RUNNING);
        assertEquals(Set.of("t1b"), runtime.runningTaskIds(), "one running task for the slot");
        assertTrue(w1.view().complete(), "the managers' set replaced the kept one");
    }

    /** Found in review: the handle was dropped and the container ran on, untracked, until the next agent start. */
    @Test
    void aTaskNoLongerAssignedHereIsRemovedNotLeftRunningUntracked() throws Exception {
        assertTrue(runtime.isRunning("t1"));
        io.orch.agent.worker.AssignmentSetFile.under(dataDir).delete(); // an agent that kept no set
        f.store.updateAndWait(tx -> tx.delete(tx.read().task("t1").orElseThrow())); // removed while the agent was down
        f.startManager("m1");
        DispatchFixture.WorkerNode w1 = f.startKeepingWorker("w1", dataDir, runtime, "m1");
        await().atMost(Duration.ofSeconds(20)).until(() -> w1.view().complete() && !runtime.isRunning("t1"));
        assertEquals(Set.of(), runtime.runningTaskIds());
        assertEquals(0, w1.worker().supervised());
    }
}
