package io.orch.agent.worker;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends task status changes to the store in batches: while one batch commits, newer reports
 * accumulate and the latest per task wins (the store never lets a status move backwards, so
 * skipping an intermediate state is harmless). A failed batch is retried unless superseded.
 */
final class StatusReporter implements StatusSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);
    private final ClusterStore store;
    private final Map<String, TaskStatus> pending = new LinkedHashMap<>(); // guarded by this
    private final Thread flusher;
    private volatile boolean running = true;
    private boolean inFlight; // a batch taken from pending and not yet committed (guarded by this)

    StatusReporter(ClusterStore store) {
        this.store = store;
        this.flusher = DaemonThreads.create("orch-status-reporter", this::run);
        this.flusher.start();
    }

    @Override
    public synchronized void report(String taskId, TaskStatus status) {
        pending.put(taskId, status);
        notifyAll();
    }

    private void run() {
        while (running) {
            Map<String, TaskStatus> batch;
            synchronized (this) {
                while (running && pending.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch = new LinkedHashMap<>(pending);
                pending.clear();
                inFlight = true;
            }
            try {
                StatusBatches.writeAndWait(store, batch, Duration.ofSeconds(10)); // in entries the store takes
                synchronized (this) {
                    inFlight = false;
                    notifyAll();
                }
            } catch (Exception e) {
                log.debug("status batch of {} tasks not committed, retrying: {}", batch.size(), e.getMessage());
                synchronized (this) {
                    batch.forEach(pending::putIfAbsent);
                    inFlight = false;
                }
                try {
                    Thread.sleep(100); // back off before retrying a store that just failed
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Waits (bounded) until everything reported so far is committed; used on shutdown. */
    @Override
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while ((!pending.isEmpty() || inFlight) && System.nanoTime() < deadline) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        flusher.interrupt();
    }
}
