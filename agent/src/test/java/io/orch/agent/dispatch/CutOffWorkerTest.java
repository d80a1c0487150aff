package io.orch.agent.dispatch;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local reconciliation: a worker cut off from every manager keeps its tasks running and restarts
 * failed ones per restart policy; on reconnect the store converges and the assignment set wins.
 */
class CutOffWorkerTest {
    @TempDir
    Path dataDir;
    private DispatchFixture f;
    private DispatchFixture.WorkerNode w1;

    @BeforeEach
    void setUp() throws Exception {
        f = new DispatchFixture();
        f.createNode("w1");
        f.createService("svc1", "web");
        f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
        f.startManager("m1");
        w1 = f.startWorker("w1", dataDir, "m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private void cutOff() throws InterruptedException {
        f.killManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> w1.view().cutOff());
    }

    @Test
    void aCrashedTaskIsRestartedLocallyAndTheStoreConvergesOnReconnect() throws Exception {
        FakeRuntime runtime = w1.runtime();
        long firstPid = f.task("t1").getStatus().getContainerStatus().getPid();
        cutOff();

        assertTrue(runtime.exit("t1", 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.startCount("t1") == 2 && runtime.isRunning("t1"));
        List<String> ops = runtime.calls().stream().filter(c -> c.taskId().equals("t1")).map(FakeRuntime.Call::op).toList();
        int destroy = ops.indexOf("destroy");
        assertTrue(destroy >= 0 && destroy < ops.lastIndexOf("start"), "the old container is gone before the restart: " + ops);
        long newPid = runtime.inspect("t1").orElseThrow().pid();
        assertEquals(firstPid, f.task("t1").getStatus().getContainerStatus().getPid(), "nothing reached the store while cut off");

        f.startManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> w1.client().connected() && w1.client().pendingStatuses() == 0);
        Task t1 = f.task("t1");
        assertEquals(TaskState.RUNNING, t1.getStatus().getState());
        assertEquals(newPid, t1.getStatus().getContainerStatus().getPid(), "the store shows the restarted process");
        assertEquals(Set.of("t1"), runtime.runningTaskIds());
    }

    @Test
    void whatTheManagersDecidedWhileCutOffWinsOnReconnect() throws Exception {
        FakeRuntime runtime = w1.runtime();
        cutOff();
        // meanwhile the orchestrator shut t1 down and put a replacement for its slot here
        f.setDesiredState("t1", TaskState.SHUTDOWN);
        f.createTask(DispatchFixture.assigned("t1b", "svc1", 1, "w1").build());
        assertEquals(Set.of("t1"), runtime.runningTaskIds(), "a cut-off worker keeps its tasks running");

        f.startManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.SHUTDOWN
                && f.task("t1b").getStatus().getState() == TaskState.RUNNING);
        assertEquals(Set.of("t1b"), runtime.runningTaskIds(), "one running task for the slot");
    }

    @Test
    void aTaskWhoseRestartPolicyForbidsItStaysDown() throws Exception {
        Task.Builder once = DispatchFixture.assigned("t2", "svc1", 2, "w1");
        once.getSpecBuilder().getRestartPolicyBuilder().setCondition(io.orch.api.proto.RestartPolicy.Condition.ON_FAILURE);
        f.createTask(once.build());
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t2").getStatus().getState() == TaskState.RUNNING);
        FakeRuntime runtime = w1.runtime();
        cutOff();

        assertTrue(runtime.exit("t2", 0)); // completed: on-failure does not restart it
        assertTrue(runtime.exit("t1", 1)); // failed: any restarts it
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.startCount("t1") == 2 && runtime.isRunning("t1"));
        assertEquals(1, runtime.startCount("t2"));

        f.startManager("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t2").getStatus().getState() == TaskState.COMPLETE);
    }
}
