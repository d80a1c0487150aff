package io.orch.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ExitFileWatchTest {
    @TempDir
    Path tmp;
    private final ExitFileWatch watch = new ExitFileWatch("test-exits");

    @AfterEach
    void close() {
        watch.close();
    }

    private static void writeByRename(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void anExitFileRenamedIntoPlaceCompletesItsTaskAtOnce() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("t1"));
        CompletableFuture<OptionalInt> exit = watch.watch(dir.resolve("exit-a"), () -> false);
        assertFalse(exit.isDone());
        long started = System.nanoTime();
        writeByRename(dir.resolve("exit-a"), "137\n");
        assertEquals(OptionalInt.of(137), exit.get(ExitFileWatch.RESCAN_MILLIS / 2, TimeUnit.MILLISECONDS),
                "through the file event, well before the rescan");
        System.out.printf("ExitFileWatchTest: exit seen %.1f ms after the rename%n", (System.nanoTime() - started) / 1e6);
        assertEquals(0, watch.size(), "a completed task is no longer watched");
    }

    @Test
    void manyTasksInManyDirectoriesEachGetTheirOwnCode() throws Exception {
        int n = 200;
        CompletableFuture<?>[] exits = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            exits[i] = watch.watch(Files.createDirectories(tmp.resolve("t" + i)).resolve("exit"), () -> false);
        }
        for (int i = 0; i < n; i++) {
            writeByRename(tmp.resolve("t" + i).resolve("exit"), Integer.toString(i % 256));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(OptionalInt.of(i % 256), exits[i].get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFileWrittenBeforeTheWatchCompletesAtOnce() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("t")).resolve("exit");
        writeByRename(file, "0");
        assertEquals(OptionalInt.of(0), watch.watch(file, () -> false).getNow(null));
    }

    @Test
    void aWriterThatDiedWithoutWritingGivesNoCode() throws Exception {
        AtomicBoolean gone = new AtomicBoolean();
        CompletableFuture<OptionalInt> exit = watch.watch(Files.createDirectories(tmp.resolve("t")).resolve("exit"), gone::get);
        watch.rescan();
        assertFalse(exit.isDone(), "a live writer is waited for");
        gone.set(true);
        watch.rescan();
        assertEquals(OptionalInt.empty(), exit.getNow(null));
    }

    @Test
    void aForgottenTaskNeverCompletes() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("t")).resolve("exit");
        CompletableFuture<OptionalInt> exit = watch.watch(file, () -> true);
        watch.forget(file);
        writeByRename(file, "1");
        watch.rescan();
        assertFalse(exit.isDone());
        assertEquals(0, watch.size());
        assertTrue(Files.exists(file));
    }

    @Test
    void eachSweepProbesABoundedShareOfTheWritersAndInTurnReachesThemAll() throws Exception {
        int n = ExitFileWatch.WRITER_PROBES_PER_SWEEP * 5 / 2;
        Thread me = Thread.currentThread();
        AtomicInteger probedHere = new AtomicInteger();
        Set<Integer> probed = ConcurrentHashMap.newKeySet();
        AtomicBoolean lastIsGone = new AtomicBoolean();
        List<CompletableFuture<OptionalInt>> exits = new ArrayList<>();
        Path dir = Files.createDirectories(tmp.resolve("many"));
        for (int i = 0; i < n; i++) {
            int id = i;
            exits.add(watch.watch(dir.resolve("exit-" + i), () -> {
                probed.add(id);
                if (Thread.currentThread() == me) {
                    probedHere.incrementAndGet();
                }
                return id == n - 1 && lastIsGone.get();
            }));
        }
        watch.sweep();
        assertEquals(ExitFileWatch.WRITER_PROBES_PER_SWEEP, probedHere.get(), "one sweep probes at most the bound");
        lastIsGone.set(true);
        int sweeps = (n + ExitFileWatch.WRITER_PROBES_PER_SWEEP - 1) / ExitFileWatch.WRITER_PROBES_PER_SWEEP;
        for (int i = 0; i < sweeps; i++) {
            watch.sweep();
        }
        assertEquals(n, probed.size(), "every writer was probed within ceil(n / bound) sweeps");
        assertEquals(OptionalInt.empty(), exits.get(n - 1).getNow(null), "the dead writer's task ended without a code");
        assertFalse(exits.get(0).isDone(), "live writers are still waited for");
    }
}
