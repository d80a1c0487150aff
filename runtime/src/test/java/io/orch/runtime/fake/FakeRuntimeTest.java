package io.orch.runtime.fake;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeRuntimeTest {
    private final FakeRuntime fake = new FakeRuntime();

    private static TaskConfig config(String taskId) {
        return new TaskConfig(taskId, taskId, "img", List.of("run", "me"), Map.of(), null, "", "",
                TaskConfig.Resources.NONE, Map.of(), Path.of("/tmp/fake", taskId));
    }

    @Test
    void taskRunsUntilTheTestMakesItExit() throws Exception {
        fake.start(config("t1"));
        CompletableFuture<ExitResult> exit = fake.waitFor("t1");
        assertTrue(fake.isRunning("t1"));
        assertFalse(exit.isDone());

        assertTrue(fake.exit("t1", 3));

        assertEquals(3, exit.get(1, TimeUnit.SECONDS).exitCode());
        assertFalse(fake.isRunning("t1"));
        assertFalse(fake.exit("t1", 0), "only once");
    }

    @Test
    void startFailuresCanBeTemporaryOnceOrPermanentUntilCleared() throws Exception {
        fake.failNextStart(true, "image pull throttled");
        RuntimeFailure once = assertThrows(RuntimeFailure.class, () -> fake.start(config("t")));
        assertTrue(once.temporary());
        fake.start(config("t"));
        fake.exit("t", 0);

        fake.failEveryStart(false, "bad spec");
        for (int i = 0; i < 2; i++) {
            assertFalse(assertThrows(RuntimeFailure.class, () -> fake.start(config("t"))).temporary());
        }
        fake.succeedStarts();
        fake.start(config("t"));

        assertEquals(5, fake.startCount("t"));
        assertTrue(fake.isRunning("t"));
    }

    @Test
    void stopExitsWith128PlusSignalOrKillsAStubbornTask() throws Exception {
        fake.start(config("polite"));
        fake.start(config("stubborn"));
        fake.ignoreStopSignal("stubborn");

        fake.stop("polite", Duration.ofSeconds(10), io.orch.runtime.Signal.parse("SIGTERM"));
        fake.stop("stubborn", Duration.ofSeconds(10), null);

        assertEquals(143, fake.waitFor("polite").get(1, TimeUnit.SECONDS).exitCode());
        assertEquals(137, fake.waitFor("stubborn").get(1, TimeUnit.SECONDS).exitCode());
        assertEquals(List.of(new FakeRuntime.Call("stop", "polite", "SIGTERM PT10S"),
                new FakeRuntime.Call("stop", "stubborn", "SIGTERM PT10S")), fake.calls("stop"));
    }

    @Test
    void aStopHandedToTheTestLeavesTheTaskRunningUntilItExits() throws Exception {
        List<String> handed = new java.util.ArrayList<>();
        fake.exitOnStopVia(handed::add);
        fake.start(config("slow"));

        fake.stop("slow", Duration.ofSeconds(10), null);

        assertEquals(List.of("slow"), handed);
        assertTrue(fake.isRunning("slow"), "a stop alone does not end it");
        fake.exit("slow", 143);
        assertEquals(143, fake.waitFor("slow").get(1, TimeUnit.SECONDS).exitCode());
        fake.stop("slow", Duration.ofSeconds(10), null);
        assertEquals(List.of("slow"), handed, "a stop of an exited task is not handed on");
    }

    @Test
    void destroyForgetsAndIsIdempotent() {
        assertDoesNotThrow(() -> fake.start(config("d")));
        fake.destroy("d");
        fake.destroy("d");

        assertTrue(fake.inspect("d").isEmpty());
        assertTrue(fake.waitFor("d").isCompletedExceptionally());
        assertEquals(2, fake.calls("destroy").size());
    }

    @Test
    void recoverAcceptsOnlyDeclaredSurvivorsWithTheSameStartTime() throws Exception {
        TaskHandle survivor = new TaskHandle("s", "fake", 4242, 1000, "c", Map.of());
        fake.addSurvivor(survivor);

        assertFalse(fake.recover(new TaskHandle("s", "fake", 4242, 999, "c", Map.of())));
        assertFalse(fake.recover(new TaskHandle("s", "fake", 4343, 1000, "c", Map.of())));
        assertTrue(fake.recover(survivor));
        assertTrue(fake.isRunning("s"));
        fake.exit("s", -1);
        assertEquals(-1, fake.waitFor("s").get(1, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void execAnswersFromTheResponderOnlyWhileRunning() throws Exception {
        fake.setExecResponder((id, cmd) -> new ExecResult(cmd.contains("fail") ? 1 : 0, id, false));
        fake.start(config("e"));

        assertEquals(new ExecResult(1, "e", false), fake.exec("e", List.of("check", "fail"), Duration.ofSeconds(1)));
        fake.exit("e", 0);
        assertThrows(RuntimeFailure.class, () -> fake.exec("e", List.of("check"), Duration.ofSeconds(1)));
    }
}
