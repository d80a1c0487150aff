package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.worker.StatusSink;
import io.orch.agent.worker.StoreWorkerView;
import io.orch.agent.worker.TaskExecution;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskStatus;
import io.orch.gossip.sim.VirtualScheduler;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One node of the manager simulation, run by the agent's own {@link Worker}: its task
 * controllers and supervisors, its handle files, its reconcile passes, over the store's view of
 * the node's tasks, on a {@link FakeRuntime}. Every supervisor step and retry delay runs on the
 * simulation's virtual time ({@link VirtualExecution}), and a stop takes a random time there
 * (the runtime hands each stop to the simulation, which ends the process later). Status goes
 * back through the dispatcher's write path: only for tasks assigned to this node, with
 * {@code updateTaskStatus}, which never moves a task backwards.
 *
 * <p>What runs is the runtime's business, apart from the store: the ground truth for "never two
 * running tasks in one slot". A crash takes the node's processes (its runtime) and its worker
 * with it; the restarted worker recovers from the handle files on the same data dir, finds
 * nothing left to re-attach, and reports the tasks it had taken as lost.
 */
final class SimNode {
    private final String nodeId;
    private final ClusterStore store;
    private final VirtualScheduler time;
    private final Clock clock;
    private final Random random;
    private final Duration maxStop;
    private final Path dataDir;
    private final Consumer<String> findings;
    /** The tasks this node was ever assigned, by id, as the store last showed them (for their slot). */
    private final Map<String, Task> seen = new HashMap<>();
    private FakeRuntime runtime;
    private Worker worker;
    private boolean up;

    SimNode(String nodeId, ClusterStore store, VirtualScheduler time, Clock clock, Random random, Duration maxStop,
            Path dataDir, Consumer<String> findings) throws IOException {
        this.nodeId = nodeId;
        this.store = store;
        this.time = time;
        this.clock = clock;
        this.random = random;
        this.maxStop = maxStop;
        this.dataDir = dataDir;
        this.findings = findings;
        boot();
    }

    String nodeId() {
        return nodeId;
    }

    boolean up() {
        return up;
    }

    /** The tasks whose processes run on this node now, by id. */
    Map<String, Task> running() {
        Map<String, Task> out = new TreeMap<>();
        for (String id : runtime.runningTaskIds()) {
            Task t = seen.get(id);
            if (t == null) {
                findings.accept("node " + nodeId + " runs task " + id + ", which the store never assigned to it");
            } else {
                out.put(id, t);
            }
        }
        return out;
    }

    /** One pass of the worker, as its driver runs one on a change of the node's assignments. */
    void tick(Instant now) {
        if (!up) {
            return;
        }
        store.read(r -> r.tasksOfNode(nodeId)).forEach(t -> seen.put(t.getId(), t));
        worker.runOnce(List.of(), now);
    }

    /** The task's process exits with status 1 (only if it runs here). */
    boolean fail(String taskId) {
        return up && runtime.exit(taskId, 1);
    }

    /** The next start on this node fails; a temporary failure is retried in place by the task's controller. */
    void failNextStart(boolean temporary) {
        runtime.failNextStart(temporary, temporary ? "registry unreachable (timeout)" : "No such image: busybox");
    }

    /** The node goes away: its processes die with it, and its worker reports nothing any more. */
    void crash() {
        up = false;
        worker.close(); // closes its execution: no step of the old worker runs again
    }

    /** The node comes back with nothing running: a new worker on the same data dir recovers what it can. */
    void restart() throws IOException {
        boot();
        worker.recover();
    }

    private void boot() throws IOException {
        FakeRuntime fresh = new FakeRuntime("fake", clock);
        fresh.exitOnStopVia(id -> time.schedule(random.nextInt((int) maxStop.toMillis() + 1), () -> fresh.exit(id, 143)));
        runtime = fresh;
        worker = new Worker(new StoreWorkerView(store, nodeId), new Sink(), nodeId,
                new RuntimeRegistry(List.of(fresh), fresh.name()), dataDir, clock, new SimpleMeterRegistry(),
                new VirtualExecution(time, findings));
        up = true;
    }

    /** As the dispatcher's session applies a status: only for a task assigned to this node, and only while it is up. */
    private final class Sink implements StatusSink {
        @Override
        public void report(String taskId, TaskStatus status) {
            if (!up) {
                return;
            }
            boolean ours = store.read(r -> r.task(taskId).map(t -> nodeId.equals(t.getNodeId())).orElse(false));
            if (!ours) {
                return;
            }
            try {
                store.updateAndWait(tx -> tx.updateTaskStatus(taskId, status));
            } catch (StoreException e) {
                findings.accept("node " + nodeId + " could not report task " + taskId + ": " + e);
            }
        }
    }

    /** The worker's task steps on virtual time, in submission order; nothing runs once the worker is closed. */
    private static final class VirtualExecution implements TaskExecution {
        private final VirtualScheduler time;
        private final Consumer<String> findings;
        private boolean closed;

        VirtualExecution(VirtualScheduler time, Consumer<String> findings) {
            this.time = time;
            this.findings = findings;
        }

        @Override
        public void execute(Runnable work) {
            executeAfter(Duration.ZERO, work);
        }

        @Override
        public void executeAfter(Duration delay, Runnable work) {
            time.schedule(delay.toMillis(), () -> {
                if (closed) {
                    return;
                }
                try {
                    work.run();
                } catch (RuntimeException e) {
                    findings.accept("a task step failed: " + e);
                }
            });
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
