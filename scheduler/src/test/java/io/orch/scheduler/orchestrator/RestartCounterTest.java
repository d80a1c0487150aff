package io.orch.scheduler.orchestrator;

import io.orch.api.model.Times;
import io.orch.api.proto.Node;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartCounterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int HISTORY_RETENTION = 5; // the default task history retention
    private final Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));

    /**
     * Runs the orchestrator's planner over one slot whose every task fails at once, applying
     * each plan as the store would, until it stops restarting (or 100 passes); returns the
     * number of restarts (tasks created after the first).
     */
    private int restartsOfAnAlwaysFailingSlot(Service s, Duration between) {
        AtomicInteger ids = new AtomicInteger();
        List<Task> tasks = new ArrayList<>();
        Instant now = T0;
        int created = 0;
        for (int pass = 0; pass < 100; pass++) {
            Plan plan = ServicePlanner.plan(s, tasks, nodes, new TaskFactory(() -> "t" + ids.incrementAndGet(), now), HISTORY_RETENTION);
            for (Task u : plan.update) {
                tasks.replaceAll(t -> t.getId().equals(u.getId()) ? u : t);
            }
            tasks.removeIf(t -> plan.delete.stream().anyMatch(d -> d.getId().equals(t.getId())));
            for (Task c : plan.create) {
                created++;
                Instant failedAt = now;
                tasks.add(c.toBuilder().setNodeId("n1").setCreatedAt(Times.timestamp(now))
                        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setTimestamp(Times.timestamp(failedAt)))
                        .build());
            }
            if (plan.create.isEmpty() && plan.wakeAt() == null && pass > 0) {
                break;
            }
            now = now.plus(between);
        }
        assertTrue(tasks.size() <= HISTORY_RETENTION + 1, "history stays pruned: " + tasks.size());
        return created - 1;
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 10})
    void anAlwaysFailingTaskStopsAfterExactlyMaxAttemptsRestartsThoughHistoryIsPrunedToFive(int maxAttempts) {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.newBuilder().setMaxAttempts(maxAttempts).setDelay(0).build());
        assertEquals(maxAttempts, restartsOfAnAlwaysFailingSlot(s, Duration.ofSeconds(1)));
    }

    @Test
    void withAWindowOnlyRestartsInsideTheWindowCount() {
        RestartPolicy policy = RestartPolicy.newBuilder().setMaxAttempts(5).setDelay(0)
                .setWindow(Duration.ofSeconds(60).toNanos()).build();
        Service s = Fixtures.replicated("s", 1, policy);
        assertEquals(5, restartsOfAnAlwaysFailingSlot(s, Duration.ofSeconds(1)), "5 restarts within a minute: stop");
        assertEquals(99, restartsOfAnAlwaysFailingSlot(s, Duration.ofSeconds(20)),
                "at most 3 restarts in any minute: it never stops (until the test's 100 passes)");
    }

    @Test
    void theReplacementCarriesOneMoreRestartUnderTheSameSpec() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task previous = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0).toBuilder().setRestartCount(7).build();
        Task replacement = Fixtures.task("b", s, 1, "", TaskState.NEW, T0, T0);
        assertEquals(8, RestartCounter.carry(replacement, previous, T0).getRestartCount());
    }

    @Test
    void aNewSpecCountsAfresh() {
        Service v1 = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Service v2 = v1.toBuilder().setSpecVersion(2).build();
        Task previous = Fixtures.task("a", v1, 1, "n1", TaskState.FAILED, T0, T0).toBuilder().setRestartCount(7).build();
        Task replacement = Fixtures.task("b", v2, 1, "", TaskState.NEW, T0, T0);
        assertEquals(0, RestartCounter.carry(replacement, previous, T0).getRestartCount());
    }

    @Test
    void restartTimesKeepNoMoreThanMaxAttemptsNorAnyOutsideTheWindow() {
        RestartPolicy policy = RestartPolicy.newBuilder().setMaxAttempts(3).setWindow(Duration.ofSeconds(10).toNanos()).build();
        Service s = Fixtures.replicated("s", 1, policy);
        Task t = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0);
        for (int i = 0; i < 6; i++) {
            t = RestartCounter.carry(Fixtures.task("r" + i, s, 1, "", TaskState.NEW, T0, T0), t, T0.plusSeconds(i));
        }
        assertEquals(3, t.getRestartTimesCount());
        assertEquals(3, RestartCounter.restarts(policy, t, T0.plusSeconds(6)));
        assertEquals(0, RestartCounter.restarts(policy, t, T0.plusSeconds(60)));
        assertEquals(6, t.getRestartCount());
    }
}
