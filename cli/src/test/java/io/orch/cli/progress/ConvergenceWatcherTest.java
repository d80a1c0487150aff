package io.orch.cli.progress;

import static io.orch.cli.progress.Snapshots.array;
import static io.orch.cli.progress.Snapshots.nodes;
import static io.orch.cli.progress.Snapshots.replicated;
import static io.orch.cli.progress.Snapshots.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** The poll loop, driven by a scripted poller and a fake clock that the "sleep" advances. */
class ConvergenceWatcherTest {
    private final AtomicLong clock = new AtomicLong();
    private final StringWriter out = new StringWriter();

    private ConvergenceWatcher watcher(Deque<JsonNode> taskSnapshots, ObjectNode service) {
        ServicePoller poller = () -> new ServicePoller.Poll(service,
                taskSnapshots.size() > 1 ? taskSnapshots.poll() : taskSnapshots.peek(), nodes("n1=ready"));
        return new ConvergenceWatcher(poller, new ProgressPrinter(new PrintWriter(out), false), clock::get,
                d -> clock.addAndGet(d.toNanos()));
    }

    @Test
    void printsProgressThenVerifiesForTheDefaultSecond() {
        Deque<JsonNode> script = new ArrayDeque<>(List.of(
                array(task(1, "", "running", "pending"), task(2, "", "running", "new")),
                array(task(1, "n1", "running", "running"), task(2, "n1", "running", "starting")),
                array(task(1, "n1", "running", "running"), task(2, "n1", "running", "running"))));
        watcher(script, replicated(2)).awaitConverged("svc1");
        assertEquals(String.join("\n",
                "overall progress: 0 out of 2 tasks",
                "1/2: pending   [================>                                  ]",
                "2/2: new       [=====>                                             ]",
                "overall progress: 1 out of 2 tasks",
                "1/2: running   [==================================================>]",
                "2/2: starting  [============================================>      ]",
                "overall progress: 2 out of 2 tasks",
                "2/2: running   [==================================================>]",
                "verify: Waiting 1 seconds to verify that tasks are stable...",
                "verify: Service svc1 converged",
                ""), out.toString().replace(System.lineSeparator(), "\n"));
        // converged at t=400ms, verified once 1 s had passed: 5 more polls of 200 ms
        assertEquals(1_400_000_000L, clock.get());
    }

    @Test
    void usesTheServiceUpdateMonitorAsTheVerificationPeriod() {
        ObjectNode svc = replicated(1);
        ((ObjectNode) svc.path("Spec")).putObject("UpdateConfig").put("Monitor", 3_000_000_000L);
        watcher(new ArrayDeque<>(List.of(array(task(1, "n1", "running", "running")))), svc).awaitConverged("svc1");
        assertEquals(3_000_000_000L, clock.get());
    }

    @Test
    void aTaskThatDiesDuringVerificationRestartsTheWait() {
        Deque<JsonNode> script = new ArrayDeque<>(List.of(
                array(task(1, "n1", "running", "running")),
                array(task(1, "n1", "running", "starting")),
                array(task(1, "n1", "running", "running"))));
        watcher(script, replicated(1)).awaitConverged("svc1");
        assertEquals(1_400_000_000L, clock.get());
    }

    @Test
    void aPausedUpdateEndsTheWaitWithExitCodeOne() {
        ObjectNode svc = replicated(1);
        svc.putObject("UpdateStatus").put("State", "paused").put("Message", "boom");
        CliException e = assertThrows(CliException.class,
                () -> watcher(new ArrayDeque<>(List.of(array(task(1, "n1", "running", "running")))), svc).awaitConverged("svc1"));
        assertEquals(1, e.exitCode());
        assertEquals("Error: service update paused: boom", e.line());
    }
}
