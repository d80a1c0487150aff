package io.orch.runtime.process;

import io.orch.runtime.ExitResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a re-attached task exits. We are not its parent, so we cannot wait(2) for it and
 * never learn its exit code. ProcessHandle.onExit() is no substitute: it polls with a back-off
 * growing to 5 s and takes a zombie (left behind when init does not reap) for a live process.
 * So poll /proc ourselves: gone, zombie or another start time all mean the task ended.
 */
final class ReattachedWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReattachedWatcher.class);
    private static final long POLL_MILLIS = 250;

    private final Map<ProcessTask, BiConsumer<ProcessTask, ExitResult>> watched = new ConcurrentHashMap<>();
    private ScheduledExecutorService poller;

    synchronized void watch(ProcessTask task, BiConsumer<ProcessTask, ExitResult> onExit) {
        watched.put(task, onExit);
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "orch-process-reattach-watch");
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    void forget(ProcessTask task) {
        watched.remove(task);
    }

    private void poll() {
        watched.forEach((task, onExit) -> {
            Optional<ProcStat> stat = ProcStat.read(task.pid);
            boolean ended = stat.isEmpty() || stat.get().zombie() || stat.get().startTicks() != task.startTicks;
            if (ended && watched.remove(task) != null) {
                try {
                    onExit.accept(task, ExitCodes.unknownAfterReattach());
                } catch (RuntimeException e) {
                    // an exception would silently cancel the schedule and strand every other task
                    log.warn("exit callback for task {} failed", task.taskId, e);
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
        watched.clear();
    }
}
