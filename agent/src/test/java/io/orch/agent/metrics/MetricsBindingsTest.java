package io.orch.agent.metrics;

import io.micrometer.core.instrument.search.Search;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.gossip.GossipObserver.ProbeResult;
import io.orch.raft.LocalProposer;
import io.orch.raft.ratis.RaftStats;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.fake.FakeRuntime;
import io.orch.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each listener seam of gossip/, raft/, runtime/ and the worker, as the agent binds it to its registry. */
class MetricsBindingsTest {
    private final AgentMetrics metrics = new AgentMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private Search find(String name) {
        return metrics.registry().find(name);
    }

    private double counter(String name, String... tags) {
        return find(name).tags(tags).counter().count();
    }

    @Test
    void taskEventsCountStartsRestartsStopsAndOomKills() {
        Task t = Task.newBuilder().setId("t1").build();
        metrics.taskEvents().started(t);
        metrics.taskEvents().started(t);
        metrics.taskEvents().restarted(t);
        metrics.taskEvents().stopped(t);
        metrics.taskEvents().oomKilled(t);
        assertEquals(2, counter("orch.task.starts"));
        assertEquals(1, counter("orch.task.restarts"));
        assertEquals(1, counter("orch.task.stops"));
        assertEquals(1, counter("orch.task.oom.kills"));
    }

    @Test
    void gossipProbesCountByResultAndAnsweredOnesTimeTheirRoundTrip() {
        metrics.gossip().probed(ProbeResult.DIRECT, 3);
        metrics.gossip().probed(ProbeResult.INDIRECT, 700);
        metrics.gossip().probed(ProbeResult.FAILED, -1);
        metrics.gossip().suspected();
        metrics.gossip().died();
        assertEquals(1, counter("orch.gossip.probes", "result", "direct"));
        assertEquals(1, counter("orch.gossip.probes", "result", "indirect"));
        assertEquals(1, counter("orch.gossip.probes", "result", "failed"));
        assertEquals(2, find("orch.gossip.probe.rtt").timer().count(), "a failed probe has no round trip");
        assertEquals(703, find("orch.gossip.probe.rtt").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), 0.001);
        assertEquals(1, counter("orch.gossip.suspicions"));
        assertEquals(1, counter("orch.gossip.deaths"));
    }

    @Test
    void theDispatcherSessionGaugeFollowsTheSessionAndRestartsCountAfterTheFirst() {
        assertNull(find("orch.dispatcher.session.connected").gauge(), "a node without a session has no session meters");
        var session = metrics.dispatcherSession();
        assertEquals(0, find("orch.dispatcher.session.connected").gauge().value());
        session.connected(true);
        assertEquals(1, find("orch.dispatcher.session.connected").gauge().value());
        assertEquals(0, counter("orch.dispatcher.session.restarts"), "the first session is no restart");
        session.connected(false);
        assertEquals(0, find("orch.dispatcher.session.connected").gauge().value());
        session.connected(true);
        assertEquals(1, counter("orch.dispatcher.session.restarts"));
        assertEquals(session, metrics.dispatcherSession(), "one set of meters for every session of the node");
    }

    @Test
    void imagePullsCountByResultAndAreTimedAsThePullOperation() {
        metrics.imagePulls().pulled(true, 2_000_000_000L);
        metrics.imagePulls().pulled(false, 1_000_000L);
        assertEquals(1, counter("orch.image.pulls", "result", "success"));
        assertEquals(1, counter("orch.image.pulls", "result", "failure"));
        assertEquals(2, find(TimedRuntime.NAME).tags("runtime", "images", "operation", "pull").timer().count());
    }

    @Test
    void runtimeOperationsAreTimedFailedOnesIncludedAndReadsAreNot() throws Exception {
        FakeRuntime fake = new FakeRuntime();
        ContainerRuntime timed = metrics.timed(fake);
        timed.start(config("t1"));
        fake.failNextStart(false, "no such image");
        assertThrows(RuntimeFailure.class, () -> timed.start(config("t2")));
        timed.inspect("t1");
        timed.stats("t1");
        timed.stop("t1", java.time.Duration.ofSeconds(1), null);
        timed.destroy("t1");
        assertEquals(2, timer("start"), "a failed start is timed too");
        assertEquals(1, timer("stop"));
        assertEquals(1, timer("remove"));
        assertEquals(0, timer("exec"));
        assertEquals(fake.name(), timed.name());
    }

    private long timer(String operation) {
        return find(TimedRuntime.NAME).tags("runtime", "fake", "operation", operation).timer().count();
    }

    @Test
    void raftGaugesReadTheReplicaAndGoWithItsStore() throws Exception {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        AtomicReference<RaftStats> stats = new AtomicReference<>(new RaftStats(true, 12, 9, 2, 8192, 4096));
        metrics.bind(store, stats::get);
        assertEquals(1, find("orch.raft.is.leader").gauge().value());
        assertEquals(3, find("orch.raft.apply.lag").gauge().value());
        assertEquals(8192, find("orch.raft.log.size").gauge().value());
        assertEquals(4096, find("orch.raft.snapshot.size").gauge().value());
        assertEquals(2, find("orch.raft.leader.changes").functionCounter().count());

        // the gauges hold their reader: after a collection they still read the replica, not NaN
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        stats.set(new RaftStats(false, 20, 20, 3, 16384, 4096));
        await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            assertEquals(0, find("orch.raft.is.leader").gauge().value()); // read at most once a second
            assertEquals(16384, find("orch.raft.log.size").gauge().value());
            assertEquals(3, find("orch.raft.leader.changes").functionCounter().count());
        });

        metrics.unbind(store); // a demotion: nothing reads the closed replica any more
        assertNull(find("orch.raft.is.leader").gauge());
        assertNull(find("orch.raft.leader.changes").functionCounter());
    }

    @Test
    void pendingTasksCountUnderTheReasonOfTheirFirstClause() throws Exception {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        store.updateAndWait(tx -> {
            tx.create(pending("p1", "no suitable node (insufficient memory on 3 nodes; constraint node.role==manager not met on 1 node)"));
            tx.create(pending("p2", "no suitable node (constraint node.labels.zone==eu not met on 4 nodes)"));
            tx.create(pending("p3", "no suitable node (insufficient cpu on 1 node)"));
            tx.create(pending("p4", "waiting for an address on network backend"));
        });
        metrics.bind(store);
        assertEquals(2, pendingGauge("resources"));
        assertEquals(1, pendingGauge("constraint"));
        assertEquals(1, pendingGauge("network_address"));
        assertEquals(0, pendingGauge("other"));
        assertEquals(4, find("orch.tasks").tag("state", "pending").gauge().value());
    }

    private double pendingGauge(String reason) {
        return find("orch.scheduler.pending.tasks").tag("reason", reason).gauge().value();
    }

    private static Task pending(String id, String err) {
        return Task.newBuilder().setId(id).setServiceId("s1").setDesiredState(TaskState.RUNNING)
                .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING).setErr(err)).build();
    }

    @Test
    void placementsCount() {
        metrics.placements().accept(3);
        metrics.placements().accept(2);
        assertEquals(5, counter("orch.scheduler.placements"));
    }

    @Test
    void nodeTasksCountTheWorkersTasksByTheirLastState() {
        FakeRuntime fake = new FakeRuntime();
        metrics.followTasks(() -> List.of(
                new io.orch.agent.worker.SupervisedTask(Task.newBuilder().setId("a").build(), "web", TaskState.RUNNING, fake),
                new io.orch.agent.worker.SupervisedTask(Task.newBuilder().setId("b").build(), "web", TaskState.RUNNING, fake),
                new io.orch.agent.worker.SupervisedTask(Task.newBuilder().setId("c").build(), "db", TaskState.PREPARING, fake)),
                "node-1");
        assertEquals(2, find("orch.node.tasks").tag("state", "running").gauge().value());
        assertEquals(1, find("orch.node.tasks").tag("state", "preparing").gauge().value());
        assertEquals(0, find("orch.node.tasks").tag("state", "failed").gauge().value());
    }

    static TaskConfig config(String id) {
        return new TaskConfig(id, "web.1." + id, "busybox", List.of("sleep", "1000"), Map.of(), "", "", "", null,
                Map.of(), Path.of("/nonexistent", id), null, null);
    }
}
