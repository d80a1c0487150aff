package io.orch.cli.progress;

import static io.orch.cli.progress.Snapshots.array;
import static io.orch.cli.progress.Snapshots.nodes;
import static io.orch.cli.progress.Snapshots.replicated;
import static io.orch.cli.progress.Snapshots.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.CliException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Following a rollout's UpdateStatus, as `docker service update|rollback` does, with a scripted poller. */
class UpdateProgressWatchTest {
    private final AtomicLong clock = new AtomicLong();
    private final StringWriter out = new StringWriter();

    private static ObjectNode withStatus(String state, String message) {
        ObjectNode s = replicated(1);
        if (state != null) s.putObject("UpdateStatus").put("State", state).put("Message", message);
        return s;
    }

    /** One poll per element: the service (with its status) and whether slot 1 runs. */
    private ConvergenceWatcher watcher(Deque<ObjectNode> services) {
        ServicePoller poller = () -> {
            ObjectNode s = services.size() > 1 ? services.poll() : services.peek();
            return new ServicePoller.Poll(s, array(task(1, "n1", "running", "running")), nodes("n1=ready"));
        };
        return new ConvergenceWatcher(poller, new ProgressPrinter(new PrintWriter(out), false), clock::get,
                d -> clock.addAndGet(d.toNanos()));
    }

    private String printed() {
        return out.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void anUpdateIsFollowedUntilCompletedNotJustUntilTheTasksRun() {
        Deque<ObjectNode> script = new ArrayDeque<>(List.of(
                withStatus(null, null),
                withStatus("updating", "update in progress"),
                withStatus("updating", "update in progress"),
                withStatus("updating", "update in progress"),
                withStatus("updating", "update in progress"),
                withStatus("updating", "update in progress"),
                withStatus("updating", "update in progress"),
                withStatus("completed", "update completed")));
        watcher(script).awaitConverged("svc1", UpdateProgress.Goal.UPDATE);
        assertTrue(printed().contains("update: update in progress\n"), printed());
        assertTrue(printed().endsWith("update: update completed\nverify: Service svc1 converged\n"), printed());
        assertEquals(7 * 200_000_000L, clock.get(), "ended at the first poll saying completed");
    }

    @Test
    void anUpdateThatWasRolledBackFailsWithTheReason() {
        Deque<ObjectNode> script = new ArrayDeque<>(List.of(
                withStatus("updating", "update in progress"),
                withStatus("rollback_started", "update rolled back due to failure or early termination of task t1"),
                withStatus("rollback_completed", "rollback completed: update rolled back due to failure or early termination of task t1")));
        CliException e = assertThrows(CliException.class, () -> watcher(script).awaitConverged("svc1", UpdateProgress.Goal.UPDATE));
        assertEquals(1, e.exitCode());
        assertEquals("Error: service rolled back: rollback completed: update rolled back due to failure or early termination of task t1",
                e.line());
        assertTrue(printed().contains("rollback: update rolled back due to failure or early termination of task t1\n"), printed());
    }

    @Test
    void aPausedRollbackFailsWithTheReason() {
        Deque<ObjectNode> script = new ArrayDeque<>(List.of(withStatus("rollback_paused", "rollback paused due to failure")));
        CliException e = assertThrows(CliException.class, () -> watcher(script).awaitConverged("svc1", UpdateProgress.Goal.ROLLBACK));
        assertEquals("Error: service rollback paused: rollback paused due to failure", e.line());
    }

    @Test
    void aRollbackEndsWellWithRollbackCompleted() {
        Deque<ObjectNode> script = new ArrayDeque<>(List.of(
                withStatus("rollback_started", "manually requested rollback"),
                withStatus("rollback_completed", "rollback completed")));
        watcher(script).awaitConverged("svc1", UpdateProgress.Goal.ROLLBACK);
        assertTrue(printed().startsWith("rollback: manually requested rollback\n"), printed());
        assertTrue(printed().endsWith("verify: Service svc1 converged\n"), printed());
    }

    @Test
    void theStatusOfAnEarlierRolloutIsIgnored() {
        ObjectNode stale = withStatus("rollback_completed", "rollback completed: earlier trouble");
        JsonNode before = stale.path("UpdateStatus").deepCopy();
        watcher(new ArrayDeque<>(List.of(stale))).awaitConverged("svc1", UpdateProgress.Goal.UPDATE, before);
        assertTrue(printed().endsWith("verify: Service svc1 converged\n"), printed());
    }
}
