package io.orch.runtime.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent out of file descriptors cannot read /proc. It once took that for "the re-attached task
 * exited" and started a replacement while the original ran on. Here /proc reads fail at the
 * probe seam with the EMFILE error the JDK throws, and nothing may be judged gone.
 */
@Timeout(60)
class FdExhaustionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    private final ProcessRuntime firstAgent = new ProcessRuntime();
    private final AtomicBoolean fdsExhausted = new AtomicBoolean();
    private final AtomicInteger failedReads = new AtomicInteger();
    private final ProcessRuntime nextAgent = new ProcessRuntime(Path.of("/usr/bin/setsid"), CleanSignals.PERL,
            ProcessGroupSignaller.findKillBinary(), new PidProbe(pid -> {
                if (fdsExhausted.get()) {
                    failedReads.incrementAndGet();
                    throw new FileSystemException("/proc/" + pid + "/stat", null, "Too many open files");
                }
                return PidProbe.PROC.read(pid);
            }));

    @AfterEach
    void cleanUp() {
        fdsExhausted.set(false);
        firstAgent.destroy("survivor");
        firstAgent.close();
        nextAgent.close();
    }

    private TaskConfig survivor() {
        return new TaskConfig("survivor", "survivor", "label-only", List.of("sleep", "1000"), Map.of(), null, "", "",
                TaskConfig.Resources.NONE, Map.of(), tmp.resolve("survivor"));
    }

    @Test
    void aReattachedTaskIsNotJudgedExitedWhileProcIsUnreadable() throws Exception {
        TaskHandle h = firstAgent.start(survivor());
        assertTrue(nextAgent.recover(h), "re-attached while /proc is readable");

        fdsExhausted.set(true);
        for (int i = 0; i < 5; i++) {
            nextAgent.pollReattached();
        }

        assertTrue(failedReads.get() >= 5, "the polls ran and failed: " + failedReads.get());
        assertFalse(nextAgent.waitFor("survivor").isDone(), "no exit reported for a task that runs on");
        assertTrue(ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false));
        RuntimeFailure duplicate = assertThrows(RuntimeFailure.class, () -> nextAgent.start(survivor()));
        assertTrue(duplicate.getMessage().contains("already running"), duplicate.getMessage());

        fdsExhausted.set(false);
        ProcessHandle.of(h.pid()).orElseThrow().destroyForcibly();
        await().atMost(DEADLINE).until(() -> !ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false));
        nextAgent.pollReattached();
        assertEquals(137, nextAgent.waitFor("survivor").get(DEADLINE.toSeconds(), TimeUnit.SECONDS).exitCode(),
                "the exit is reported once it is proven, with the code its supervisor recorded");
    }

    @Test
    void aTaskRecoveredWhileProcIsUnreadableIsKeptUnconfirmedAndNeverSignalled() throws Exception {
        TaskHandle h = firstAgent.start(survivor());
        fdsExhausted.set(true);

        assertTrue(nextAgent.recover(h), "could not check is not proof of exit: no replacement");
        nextAgent.stop("survivor", Duration.ZERO, io.orch.runtime.Signal.parse("KILL"));
        nextAgent.pollReattached();

        assertTrue(ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false),
                "an unconfirmed pid is not signalled (it might be a stranger's by now)");
        assertFalse(nextAgent.waitFor("survivor").isDone());

        fdsExhausted.set(false);
        nextAgent.pollReattached();
        nextAgent.stop("survivor", Duration.ofSeconds(5), io.orch.runtime.Signal.parse("TERM"));
        await().atMost(DEADLINE).until(() -> !ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false));
    }
}
