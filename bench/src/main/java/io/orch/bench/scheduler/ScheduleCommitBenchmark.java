package io.orch.bench.scheduler;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.manager.Orchestrator;
import io.orch.agent.manager.SchedulerLoop;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.ratis.RaftSettings;
import io.orch.raft.ratis.RatisProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Scheduling through Raft: one manager on a real Ratis store (a temp dir, loopback), 1,000
 * simulated nodes registered in the store, the real orchestrator and scheduler loops, and a
 * fake fleet of workers that reports every assigned task running at once (batched status
 * updates, as StatusReporter does). Creates one 20,000-replica service and measures when its
 * tasks are created, placed (committed ASSIGNED) and running.
 *
 * <p>Args: [nodes] [replicas] [rounds] (default 1000 20000 3): each round creates one more
 * service of that many replicas; round 1 includes the JVM's warm-up.
 */
public final class ScheduleCommitBenchmark {
    private static final int REPORT_BATCH = 5_000;
    private static final boolean TRACE = Boolean.getBoolean("trace");
    private static final long T0 = System.nanoTime();

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int replicas = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("orch-schedule-commit");
        try {
            run(dir, nodes, replicas, rounds);
        } finally {
            deleteTree(dir);
        }
        System.exit(0);
    }

    private static void run(Path dir, int nodeCount, int replicas, int rounds) throws Exception {
        String address = "127.0.0.1:" + freePort();
        RatisProposer proposer = new RatisProposer(RaftSettings.singleVoter("manager-1", address, "bench", dir.resolve("raft")));
        ClusterStore store = new ClusterStore(proposer, Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "bench");
        List<Node> nodes = SyntheticCluster.nodes(nodeCount);
        for (int i = 0; i < nodes.size(); i += 250) {
            List<Node> chunk = nodes.subList(i, Math.min(nodes.size(), i + 250));
            store.updateAndWait(tx -> chunk.forEach(tx::create));
        }
        var metrics = new SimpleMeterRegistry();
        LoopDriver orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        LoopDriver scheduler = new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics);
        orchestrator.start();
        scheduler.start();

        // round 1 runs on a cold JVM; later rounds show the long-running manager (each adds a new service)
        for (int round = 1; round <= rounds; round++) {
            Service template = SyntheticCluster.service(round - 1, replicas);
            Service service = template.toBuilder().setSpec(template.getSpec().toBuilder().setName("bench-" + round)).build();
            Progress progress = new Progress();
            Thread fleet = new Thread(() -> fakeWorkers(store, service.getId(), progress, replicas), "fake-workers");
            fleet.start();
            long start = System.nanoTime();
            store.updateAndWait(tx -> tx.create(service));
            // the fake fleet notes when tasks were created, assigned and running
            fleet.join(Duration.ofMinutes(5).toMillis());
            report(round, progress, start, replicas, nodeCount);
        }
        scheduler.close();
        orchestrator.close();
        // the process exits right after: Ratis' shutdown is not waited for
        Thread closer = new Thread(() -> {
            try {
                proposer.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        });
        closer.setDaemon(true);
        closer.start();
        closer.join(5_000);
    }

    private static void report(int round, Progress progress, long start, int replicas, int nodeCount) {
        if (progress.running.get() < replicas) {
            System.out.printf("schedule-commit round %d: FAILED, %d created, %d assigned, %d running of %d tasks%n",
                    round, progress.created.get(), progress.assigned.get(), progress.running.get(), replicas);
            return;
        }
        double created = ms(progress.createdAt.get() - start);
        double placed = ms(progress.assignedAt.get() - start);
        double running = ms(progress.runningAt.get() - start);
        double schedulingMs = placed - created;
        System.out.printf(Locale.ROOT, "schedule-commit round %d%s: %,d tasks on %,d nodes via Raft: orchestrator committed the tasks after %.0f ms, "
                        + "all placed and committed after %.0f ms, all running after %.0f ms; end to end %,.0f tasks placed/s; "
                        + "scheduler stage %.0f ms: %,.0f placements/s%n",
                round, round == 1 ? " (cold JVM)" : "", replicas, nodeCount, created, placed, running, replicas / (placed / 1000.0), schedulingMs,
                replicas / (schedulingMs / 1000.0));
    }

    /** When the service's tasks were all created, all assigned and all running (System.nanoTime). */
    private static final class Progress {
        final AtomicLong createdAt = new AtomicLong();
        final AtomicLong assignedAt = new AtomicLong();
        final AtomicLong runningAt = new AtomicLong();
        final AtomicLong created = new AtomicLong();
        final AtomicLong assigned = new AtomicLong();
        final AtomicLong running = new AtomicLong();
    }

    /**
     * Stands in for 1,000 workers: every task that gets assigned is reported running at once, in
     * batches of up to {@value #REPORT_BATCH} status updates per transaction.
     */
    private static void fakeWorkers(ClusterStore store, String serviceId, Progress progress, int replicas) {
        Set<String> created = new HashSet<>();
        Set<String> assigned = new HashSet<>();
        Set<String> reported = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Subscription events = store.watch(e -> e.kind() == ObjectKind.TASK
                && ((Task) e.object()).getServiceId().equals(serviceId))) {
            while (reported.size() < replicas && System.nanoTime() < deadline) {
                List<StoreEvent> batch = events.pollAll(Duration.ofMillis(100));
                long now = System.nanoTime();
                List<Task> toReport = new ArrayList<>();
                for (StoreEvent e : batch) {
                    if (e.after() == null) {
                        continue;
                    }
                    Task t = (Task) e.after();
                    created.add(t.getId());
                    if (!t.getNodeId().isEmpty() && t.getStatus().getState() == TaskState.ASSIGNED && assigned.add(t.getId())) {
                        toReport.add(t);
                    }
                }
                if (TRACE && !batch.isEmpty()) {
                    System.err.printf("%8.1f ms: %d events, created %d, assigned %d%n", (now - T0) / 1e6, batch.size(), created.size(), assigned.size());
                }
                if (created.size() >= replicas && progress.createdAt.get() == 0) {
                    progress.createdAt.set(now);
                }
                if (assigned.size() >= replicas && progress.assignedAt.get() == 0) {
                    progress.assignedAt.set(now);
                }
                for (int i = 0; i < toReport.size(); i += REPORT_BATCH) {
                    List<Task> chunk = toReport.subList(i, Math.min(toReport.size(), i + REPORT_BATCH));
                    store.updateAndWait(tx -> {
                        for (Task t : chunk) {
                            tx.updateTaskStatus(t.getId(), TaskStatus.newBuilder().setState(TaskState.RUNNING)
                                    .setMessage("started").setTimestamp(t.getStatus().getTimestamp()).build());
                        }
                    });
                    chunk.forEach(t -> reported.add(t.getId()));
                }
                progress.created.set(created.size());
                progress.assigned.set(assigned.size());
                progress.running.set(reported.size());
            }
            progress.runningAt.set(System.nanoTime());
        } catch (Exception e) {
            System.err.println("fake workers stopped: " + e);
            e.printStackTrace();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
