package io.orch.cli.progress;

import static io.orch.cli.progress.Snapshots.array;
import static io.orch.cli.progress.Snapshots.failed;
import static io.orch.cli.progress.Snapshots.global;
import static io.orch.cli.progress.Snapshots.nodes;
import static io.orch.cli.progress.Snapshots.replicated;
import static io.orch.cli.progress.Snapshots.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceCalculatorTest {
    private static final com.fasterxml.jackson.databind.node.ArrayNode UP = nodes("n1=ready", "n2=ready", "n3=down");

    @Test
    void countsRunningTasksWithARunningDesiredState() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(3),
                array(task(1, "n1", "running", "running"), task(2, "n2", "running", "starting"), task(3, "n1", "running", "running")), UP);
        assertEquals(2, s.running());
        assertEquals(3, s.desired());
        assertFalse(s.converged());
        assertEquals(List.of(new SlotProgress("1/3", "running", null), new SlotProgress("2/3", "starting", null),
                new SlotProgress("3/3", "running", null)), s.slots());
    }

    @Test
    void allSlotsRunningIsConverged() {
        assertTrue(ConvergenceCalculator.compute(replicated(2), array(task(1, "n1", "running", "running"), task(2, "n2", "running", "running")), UP).converged());
    }

    @Test
    void tasksOnDownNodesDoNotCount() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(2),
                array(task(1, "n1", "running", "running"), task(2, "n3", "running", "running")), UP);
        assertEquals(1, s.running());
        assertEquals(1, s.slots().size());
    }

    @Test
    void tasksBeingShutDownDoNotCountWhenScalingDown() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(1),
                array(task(1, "n1", "running", "running"), task(2, "n2", "shutdown", "running")), UP);
        assertEquals(1, s.running());
        assertTrue(s.converged());
    }

    @Test
    void theLowestDesiredStateWinsASlotAndObservedStateBreaksTies() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(1),
                array(task(1, "n1", "running", "running"), task(1, "n2", "ready", "preparing")), UP);
        assertEquals("preparing", s.slots().get(0).state());
        ConvergenceSnapshot tie = ConvergenceCalculator.compute(replicated(1),
                array(task(1, "n1", "running", "running"), task(1, "n2", "running", "starting")), UP);
        assertEquals("starting", tie.slots().get(0).state());
    }

    @Test
    void aFailedTaskShowsItsErrorOnTheSlotWhileTheReplacementStarts() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(1),
                array(failed(1, "n1", "task: non-zero exit (1)", "2025-01-01T00:00:01Z"),
                        failed(1, "n1", "older error", "2025-01-01T00:00:00Z"), task(1, "", "running", "pending")), UP);
        assertEquals(new SlotProgress("1/1", "pending", "task: non-zero exit (1)"), s.slots().get(0));
        assertEquals(0, s.running());
    }

    @Test
    void aSlotWithOnlyAFailedTaskIsStillShown() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(1), array(failed(1, "n1", "boom", "2025-01-01T00:00:01Z")), UP);
        assertEquals(new SlotProgress("1/1", "failed", "boom"), s.slots().get(0));
    }

    @Test
    void unassignedTasksCarryTheirSchedulingError() {
        ObjectNode t = task(1, "", "running", "pending");
        ((ObjectNode) t.path("Status")).put("Err", "no suitable node");
        assertEquals("no suitable node", ConvergenceCalculator.compute(replicated(1), array(t), UP).slots().get(0).error());
    }

    @Test
    void zeroReplicasConvergeWithNoTasks() {
        assertTrue(ConvergenceCalculator.compute(replicated(0), array(), UP).converged());
    }

    @Test
    void slotsBeyondTheReplicaCountAreNotShown() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(replicated(1),
                array(task(4, "n1", "running", "running"), task(7, "n2", "running", "running")), UP);
        assertEquals(List.of(new SlotProgress("1/1", "running", null)), s.slots());
    }

    @Test
    void globalExpectsOneTaskPerLiveNodeThatHasOne() {
        ConvergenceSnapshot s = ConvergenceCalculator.compute(global(),
                array(task(0, "n1", "running", "running"), task(0, "n2", "running", "assigned"), task(0, "n3", "running", "running")), UP);
        assertEquals(1, s.running());
        assertEquals(2, s.desired());
        assertEquals(List.of(new SlotProgress("n1", "running", null), new SlotProgress("n2", "assigned", null)), s.slots());
    }

    @Test
    void globalWithNoTasksYetIsNotConverged() {
        assertFalse(ConvergenceCalculator.compute(global(), array(), UP).converged());
    }

    @Test
    void aPausedUpdateIsAFailure() {
        ObjectNode svc = replicated(1);
        svc.putObject("UpdateStatus").put("State", "paused").put("Message", "update paused due to failure");
        ConvergenceSnapshot s = ConvergenceCalculator.compute(svc, array(task(1, "n1", "running", "running")), UP);
        assertEquals("service update paused: update paused due to failure", s.failure());
        assertFalse(s.converged());
    }
}
