package io.orch.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.ExitResult;
import io.orch.runtime.TaskHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task must not share the agent's fate: an agent JVM (a child JVM here) starts a task, is
 * killed, and a new agent (this JVM) finds the task still running and re-attaches to it.
 */
@Timeout(90)
class TaskOutlivesAgentTest {
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

    @ParameterizedTest(name = "agent killed with {0}")
    @ValueSource(strings = {"SIGKILL", "SIGTERM"})
    void taskKeepsRunningWhenTheAgentJvmDiesAndANewAgentReattaches(String howAgentDies) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentStandIn.class.getName(),
                tmp.resolve("survivor").toString())
                .redirectError(tmp.resolve("agent.err").toFile())
                .start();
        TaskHandle handle = AgentStandIn.readHandle(agent);
        taskPid = handle.pid();

        if (howAgentDies.equals("SIGKILL")) {
            agent.destroyForcibly();
        } else {
            agent.destroy(); // SIGTERM: the JVM runs its shutdown hooks and exits
        }
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent JVM exited");

        ProcStat task = ProcStat.read(taskPid).orElseThrow(() -> new AssertionError("task died with the agent"));
        assertTrue(!task.zombie(), "task still running");
        assertEquals(taskPid, task.session(), "own session");
        assertEquals(taskPid, task.pgrp(), "own process group");

        assertTrue(nextAgent.recover(handle), "new agent re-attaches");
        nextAgent.stop("survivor", Duration.ofSeconds(10), io.orch.runtime.Signal.parse("TERM"));
        ExitResult exit = nextAgent.waitFor("survivor").get(30, TimeUnit.SECONDS);
        assertEquals(-1, exit.exitCode(), "not our child: exit code unknown");
        assertTrue(ProcStat.read(taskPid).map(ProcStat::zombie).orElse(true), "task gone after stop");
    }
}
