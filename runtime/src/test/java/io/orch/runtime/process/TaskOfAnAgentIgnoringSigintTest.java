package io.orch.runtime.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.TaskHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent started from a script with {@code nohup} or {@code &} ignores SIGHUP and SIGINT, and an
 * ignored disposition survives exec. Its tasks must still start with default dispositions, or
 * {@code --stop-signal SIGINT} never stops them. The agent here is a child JVM started with both
 * ignored, as such a script would start it.
 */
@Timeout(90)
class TaskOfAnAgentIgnoringSigintTest {
    /** Far longer than the test waits: a stop that has to wait it out has failed. */
    private static final Duration LONG_GRACE = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    private Process agent;
    private long taskPid = -1;
    private final ProcessRuntime nextAgent = new ProcessRuntime();

    @AfterEach
    void cleanUp() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        if (taskPid > 0) {
            ProcessHandle.of(taskPid).ifPresent(ProcessHandle::destroyForcibly);
        }
        nextAgent.close();
    }

    @Test
    void taskStartsWithNothingIgnoredAndStopWithSigintEndsIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        agent = new ProcessBuilder("/bin/sh", "-c", "trap '' INT HUP; exec \"$@\"", "sh",
                java, "-cp", System.getProperty("java.class.path"), AgentStandIn.class.getName(),
                tmp.resolve("survivor").toString())
                .redirectError(tmp.resolve("agent.err").toFile())
                .start();
        TaskHandle handle = AgentStandIn.readHandle(agent);
        taskPid = handle.pid();
        assertTrue((SignalState.of(agent.pid(), "SigIgn") & SignalState.SIGINT_BIT) != 0,
                "precondition: the agent JVM ignores SIGINT");

        assertEquals(0L, SignalState.of(taskPid, "SigIgn"), "task's ignored signals (bit n-1 is signal n)");
        assertEquals(0L, SignalState.of(taskPid, "SigBlk"), "task's blocked signals");

        assertTrue(nextAgent.recover(handle), "this JVM takes the task over");
        CompletableFuture<Void> stop = CompletableFuture.runAsync(
                () -> nextAgent.stop("survivor", LONG_GRACE, io.orch.runtime.Signal.parse("SIGINT")));
        await().atMost(Duration.ofSeconds(20)).until(stop::isDone);
        assertTrue(ProcStat.read(taskPid).map(ProcStat::zombie).orElse(true), "task gone after SIGINT");
    }
}
