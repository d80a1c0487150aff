package io.orch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.agent.dispatch.DispatcherClient;
import io.orch.agent.worker.SupervisedTask;
import io.orch.agent.worker.TaskEvents;
import io.orch.gossip.GossipObserver;
import io.orch.raft.ratis.RaftStats;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.image.registry.PullObserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The agent's Prometheus registry (scraped at GET /metrics, and on {@code --metrics-addr}) and
 * where the modules' listener seams are bound to it: gossip's {@link GossipObserver}, the
 * runtimes ({@link TimedRuntime}), the image puller's {@link PullObserver}, the worker's
 * {@link TaskEvents} and supervised tasks, the dispatcher session's listener, the scheduler's
 * placements, the store and the Raft replica. gossip/, raft/, scheduler/ and runtime/ know no
 * metrics library; docs/metrics.md lists every meter. API latency and reconcile durations are
 * recorded where they happen (the API handler and each control loop).
 *
 * <p>The store meters follow the node's role: a promotion binds the new replica's store, a
 * demotion unbinds it. Micrometer keeps the first gauge registered under a name and ignores
 * later ones, so a re-bind removes the old gauges first; otherwise they would go on reading the
 * closed store of the role before.
 */
public final class AgentMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TaskEventMeters taskEvents = new TaskEventMeters(registry);
    private final ImagePullMeters imagePulls = new ImagePullMeters(registry);
    private final GossipMeters gossip = new GossipMeters(registry);
    private final NodeTaskMeters nodeTasks = new NodeTaskMeters(registry);
    private final TaskUsageMeters taskUsage = new TaskUsageMeters(registry);
    private final Counter placements = Counter.builder("orch.scheduler.placements")
            .description("tasks the scheduler placed on a node (on the leader, counted once committed)")
            .register(registry);
    private DispatcherMeters dispatcher; // guarded by this; a worker-only node's, made at its first session
    private ClusterStore bound; // guarded by this
    private final List<Meter> storeMeters = new ArrayList<>(); // guarded by this

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The store meters only (tests, and a store with no Raft replica behind it). */
    public void bind(ClusterStore store) {
        bind(store, () -> RaftStats.NONE);
    }

    /** Registers the meters that read the store and its replica, in place of those of a store bound before. */
    public synchronized void bind(ClusterStore store, Supplier<RaftStats> raft) {
        removeStoreMeters();
        bound = store;
        storeMeters.addAll(StoreMeters.register(store, registry));
        storeMeters.addAll(RaftMeters.register(raft, registry));
        // a timer keeps its history across roles: only the new store has to report into it
        Timer commit = Timer.builder("orch.raft.commit")
                .description("time from proposing a store transaction to having it committed and applied")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        store.onCommitLatency(nanos -> commit.record(Duration.ofNanos(nanos)));
    }

    /** Removes the store meters if they read this store (the role that bound it is stopping). */
    public synchronized void unbind(ClusterStore store) {
        if (bound == store) {
            removeStoreMeters();
            bound = null;
        }
    }

    private void removeStoreMeters() {
        storeMeters.forEach(registry::remove);
        storeMeters.clear();
    }

    /** {@code runtime} with its task operations timed. */
    public ContainerRuntime timed(ContainerRuntime runtime) {
        return new TimedRuntime(runtime, registry);
    }

    public PullObserver imagePulls() {
        return imagePulls;
    }

    public GossipObserver gossip() {
        return gossip;
    }

    /** What the worker reports of its tasks: starts, restarts, stops, OOM kills. */
    public TaskEvents taskEvents() {
        return taskEvents;
    }

    /**
     * Counts and samples the tasks of this worker from now on (each role has its own).
     *
     * @param nodeName the {@code node} label of the per-task series
     */
    public void followTasks(Supplier<List<SupervisedTask>> tasks, String nodeName) {
        nodeTasks.follow(tasks);
        taskUsage.follow(tasks, nodeName);
    }

    /** The listener of a worker-only node's dispatcher session (its meters appear with the first one). */
    public synchronized DispatcherClient.Listener dispatcherSession() {
        if (dispatcher == null) {
            dispatcher = new DispatcherMeters(registry);
        }
        return dispatcher;
    }

    /** Hears how many tasks each committed scheduling pass placed. */
    public IntConsumer placements() {
        return placements::increment;
    }

    /** One sample of the tasks' usage now, rather than at the sampler's next period (tests). */
    void taskUsageNow() {
        taskUsage.sample();
    }

    @Override
    public void close() {
        taskUsage.close();
    }
}
