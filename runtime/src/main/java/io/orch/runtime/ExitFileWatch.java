package io.orch.runtime;

import io.orch.api.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Learns how tasks ended from the exit files their supervisors write, with one thread for every
 * task a driver runs. A task's supervisor (a small shell that is not the agent's child, so it
 * outlives the agent) waits for the task and then writes its exit status to a file by renaming
 * it into place; this class sees the rename through inotify (the JDK's watch service, whose one
 * poller thread serves every directory) and completes the task's future at once. The JDK's own
 * way, {@code Process.onExit}, costs a thread per child for as long as the child lives (1,000
 * tasks: 1,000 threads), and works only for children of this JVM, so a task re-attached after
 * an agent restart never had an exit code; an exit file has one whoever started the task.
 *
 * <p>Every {@link #RESCAN_MILLIS} the files no inotify watch covers (a directory that could not be
 * watched) are checked directly, and a queue overflow makes every file be checked. The safety net
 * for a supervisor that died without writing (SIGKILLed by hand, or by the OOM killer) asks each
 * task's {@code writerGone} in turn, at most {@link #WRITER_PROBES_PER_SWEEP} per sweep: then the
 * future completes with no code. Each probe reads /proc (about 20 us, two thirds of it in the
 * kernel), so probing every writer every second cost 1% of a core per 500 tasks at idle; with
 * the bound the idle cost stays flat, and a dead writer is noticed within ceil(tasks / 100)
 * seconds (1 s up to 100 tasks). A task that ends normally is seen at once, through its file.
 * Thread-safe.
 */
public final class ExitFileWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitFileWatch.class);
    /** How often the watched files are checked without an event (a safety net: events come at once). */
    public static final long RESCAN_MILLIS = 1_000;
    /** How many writers one sweep asks whether they are gone: bounds the idle cost of many tasks. */
    static final int WRITER_PROBES_PER_SWEEP = 100;

    private final String threadName;
    private final Map<Path, Watched> watched = new HashMap<>();
    /** Watched files in the order their writers are next probed; entries whose file was forgotten are skipped. */
    private final ArrayDeque<Watched> probeOrder = new ArrayDeque<>();
    /** Watched files whose directory got no inotify watch (none left, or no watch service): checked every sweep. */
    private final Set<Path> uncovered = new HashSet<>();
    private final Map<Path, WatchKey> directories = new HashMap<>();
    private WatchService service;
    private Thread thread;
    private boolean closed;

    /** @param threadName the name of the one thread, created with the first watch */
    public ExitFileWatch(String threadName) {
        this.threadName = threadName;
    }

    private record Watched(Path file, CompletableFuture<OptionalInt> exit, BooleanSupplier writerGone) {
    }

    /**
     * The exit status in {@code exitFile} once it is there (at once if it already is), or empty
     * once {@code writerGone} says its writer died without writing it.
     *
     * @param writerGone asked every {@link #RESCAN_MILLIS} on this class's thread: must be cheap
     */
    public CompletableFuture<OptionalInt> watch(Path exitFile, BooleanSupplier writerGone) {
        Path file = exitFile.toAbsolutePath();
        CompletableFuture<OptionalInt> exit;
        synchronized (this) {
            Watched existing = watched.get(file);
            if (existing != null) {
                return existing.exit;
            }
            exit = new CompletableFuture<>();
            if (closed) {
                return exit; // never completes: the driver is closing, its tasks run on for the next agent
            }
            Watched w = new Watched(file, exit, writerGone);
            watched.put(file, w);
            probeOrder.addLast(w);
            startIfNeeded();
            if (!register(file.getParent())) {
                uncovered.add(file);
            }
        }
        completeIfWritten(file); // it may have been written before the directory was watched
        return exit;
    }

    /** Stops watching {@code exitFile}; its future never completes (the task was destroyed). */
    public synchronized void forget(Path exitFile) {
        Path file = exitFile.toAbsolutePath();
        if (watched.remove(file) == null) {
            return;
        }
        uncovered.remove(file);
        Path dir = file.getParent();
        boolean dirStillWatched = watched.keySet().stream().anyMatch(f -> f.getParent().equals(dir));
        if (!dirStillWatched) {
            WatchKey key = directories.remove(dir);
            if (key != null) {
                key.cancel();
            }
        }
    }

    /** How many exit files are watched (tests). */
    public synchronized int size() {
        return watched.size();
    }

    private void startIfNeeded() {
        if (thread != null) {
            return;
        }
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            LOG.warn("no file watch service ({}): exits are found by checking every {} ms", e.getMessage(), RESCAN_MILLIS);
        }
        thread = DaemonThreads.start(threadName, this::run);
    }

    /** Watches {@code dir} for created files; false when it cannot be watched. */
    private boolean register(Path dir) {
        if (service == null) {
            return false;
        }
        if (directories.containsKey(dir)) {
            return true;
        }
        try {
            directories.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE));
            return true;
        } catch (IOException | ClosedWatchServiceException e) {
            // out of inotify watches, say: the sweep still finds the file
            LOG.debug("cannot watch {}: {}", dir, e.getMessage());
            return false;
        }
    }

    private void run() {
        long nextRescan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESCAN_MILLIS);
        while (true) {
            try {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextRescan - System.nanoTime()));
                WatchKey key = service == null ? sleepThenNull(wait) : service.poll(wait, TimeUnit.MILLISECONDS);
                if (key != null) {
                    handle(key);
                }
                if (System.nanoTime() - nextRescan >= 0) {
                    sweep();
                    nextRescan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESCAN_MILLIS);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return; // closed
            } catch (RuntimeException e) {
                LOG.warn("exit watch: {}", e.toString()); // one bad file must not end the watch of all others
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static WatchKey sleepThenNull(long millis) throws InterruptedException {
        Thread.sleep(millis); // no watch service at all: this thread is a plain poller
        return null;
    }

    private void handle(WatchKey key) {
        boolean overflow = false;
        List<Path> created = new ArrayList<>();
        if (key.watchable() instanceof Path dir) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    overflow = true;
                } else if (event.context() instanceof Path name) {
                    created.add(dir.resolve(name));
                }
            }
        }
        key.reset();
        if (overflow) {
            rescan(); // events were lost: look at every file
            return;
        }
        created.forEach(this::completeIfWritten);
    }

    /** Checks every watched file and asks every writer whether it is gone (after lost events; tests drive it). */
    public void rescan() {
        List<Watched> all;
        synchronized (this) {
            all = List.copyOf(watched.values());
        }
        all.forEach(this::checkWriter);
    }

    /**
     * The periodic safety net: the files no inotify watch covers, and the next
     * {@link #WRITER_PROBES_PER_SWEEP} writers in turn (tests drive it).
     */
    void sweep() {
        List<Path> unwatched;
        List<Watched> probes = new ArrayList<>();
        synchronized (this) {
            unwatched = List.copyOf(uncovered);
            // skips what was forgotten since it was queued; the rest goes to the back of the queue
            int visited = 0;
            int queued = probeOrder.size();
            while (probes.size() < WRITER_PROBES_PER_SWEEP && visited++ < queued) {
                Watched w = probeOrder.pollFirst();
                if (watched.get(w.file()) == w) {
                    probes.add(w);
                    probeOrder.addLast(w);
                }
            }
        }
        unwatched.forEach(this::completeIfWritten);
        probes.forEach(this::checkWriter);
    }

    private void checkWriter(Watched w) {
        if (!completeIfWritten(w.file()) && w.writerGone().getAsBoolean() && !completeIfWritten(w.file())) {
            complete(w.file(), OptionalInt.empty()); // gone, and nothing was written in between
        }
    }

    /**
     * Completes the file's future if it is watched and there; true if it was there. Futures are
     * completed outside the lock: what depends on them runs on this thread and may take a while.
     */
    private boolean completeIfWritten(Path file) {
        synchronized (this) {
            if (!watched.containsKey(file)) {
                return false;
            }
        }
        if (!Files.exists(file)) {
            return false;
        }
        OptionalInt code;
        try {
            code = OptionalInt.of(Integer.parseInt(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            code = OptionalInt.empty(); // written by rename, so never half there; unreadable is unknown
        }
        complete(file, code);
        return true;
    }

    private void complete(Path file, OptionalInt code) {
        Watched w;
        synchronized (this) {
            w = watched.get(file);
            forget(file);
        }
        if (w != null) {
            w.exit().complete(code);
        }
    }

    /** Stops the thread; tasks run on (their supervisors are not ours), and their futures stay open. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            watched.clear();
            probeOrder.clear();
            uncovered.clear();
            directories.clear();
            t = thread;
        }
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
