package io.orch.runtime.process;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.runtime.ExitResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a re-attached task exits: one thread for all of them. We are not their parent, so
 * we cannot wait(2) for them and never learn an exit code. ProcessHandle.onExit() is no
 * substitute: it costs a thread per process, polls with a back-off growing to 5 s and takes a
 * zombie for a live process. So poll /proc ourselves, and end a task only on proof (its pid gone,
 * a zombie, or another process); a poll that cannot read /proc proves nothing and changes nothing.
 */
final class ReattachedWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReattachedWatcher.class);
    private static final long POLL_MILLIS = 250;

    private final PidProbe probe;
    // concurrent: filled under this (watch), read and emptied without it by poll() and forget()
    private final Map<ProcessTask, BiConsumer<ProcessTask, ExitResult>> watched = new ConcurrentHashMap<>();
    /** Tasks whose last poll could not decide: warned about once until a poll decides again. Concurrent: no lock. */
    private final Map<ProcessTask, Boolean> undecided = new ConcurrentHashMap<>();
    private ScheduledExecutorService poller; // guarded by this (watch, close)

    ReattachedWatcher(PidProbe probe) {
        this.probe = probe;
    }

    synchronized void watch(ProcessTask task, BiConsumer<ProcessTask, ExitResult> onExit) {
        watched.put(task, onExit);
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-process-reattach-watch"));
            poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    void forget(ProcessTask task) {
        watched.remove(task);
        undecided.remove(task);
    }

    /** One round over every watched task; package-private so tests can drive it. */
    void poll() {
        watched.forEach((task, onExit) -> {
            ReattachCheck.Verdict verdict = ReattachCheck.check(task.handle(), probe);
            if (verdict instanceof ReattachCheck.Unknown u) {
                if (undecided.put(task, Boolean.TRUE) == null) {
                    log.warn("task {} (pid {}): cannot tell whether it still runs ({}); it stays supervised",
                            task.taskId, task.pid, u.why());
                }
                return;
            }
            if (undecided.remove(task) != null) {
                log.info("task {} (pid {}): supervision can read /proc again", task.taskId, task.pid);
            }
            if (verdict instanceof ReattachCheck.Same) {
                task.identityConfirmed = true;
                return;
            }
            if (watched.remove(task) != null) {
                log.info("task {} (pid {}) ended: {}", task.taskId, task.pid, ((ReattachCheck.NotOurs) verdict).why());
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
        undecided.clear();
    }
}
