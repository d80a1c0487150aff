package io.orch.bench.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.Task;
import io.orch.scheduler.ClusterState;
import io.orch.scheduler.Placement;
import io.orch.scheduler.Scheduler;
import io.orch.scheduler.SchedulerOptions;
import io.orch.scheduler.Strategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler core on big clusters: one operation places a whole batch of pending tasks
 * (building the node state from the cluster, then placing every task) on 10,000 nodes. Every
 * service has a constraint, CPU and memory reservations and a spread preference over zones.
 * Prints one line per case ending in {@code N placements/s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SchedulerBenchmark {
    /** "services x tasks-per-service". */
    @Param({"1x100000", "100x10000"})
    public String batch;

    @Param({"10000"})
    public int nodes;

    private List<Node> cluster;
    private List<Task> pending;
    private long seed;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = batch.split("x");
        cluster = SyntheticCluster.nodes(nodes);
        pending = SyntheticCluster.pendingTasks(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    @Benchmark
    public List<Placement> placeBatch() {
        Scheduler scheduler = new Scheduler(SchedulerOptions.of(Strategy.SPREAD, seed++));
        List<Placement> out = scheduler.place(pending, ClusterState.of(cluster, List.of()));
        if (!out.get(out.size() - 1).placed()) {
            throw new IllegalStateException("the benchmark cluster is too small: " + out.get(out.size() - 1).reason());
        }
        return out;
    }

    public static void main(String[] args) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SchedulerBenchmark.class.getName() + ".placeBatch")
                .forks(1)
                .jvmArgs("-Xms6g", "-Xmx6g", "-XX:+UseParallelGC")
                .verbosity(VerboseMode.SILENT)
                .warmupIterations(3)
                .measurementIterations(5)
                .warmupTime(TimeValue.seconds(1))
                .shouldFailOnError(true);
        if (args.length > 0) {
            options.param("batch", args);
        }
        System.err.println("scheduler: JMH, 1 fork, 3 warm-up + 5 measured batches per case (about 10-30 s per case)");
        for (RunResult r : new Runner(options.build()).run()) {
            String[] parts = r.getParams().getParam("batch").split("x");
            int services = Integer.parseInt(parts[0]);
            long tasks = (long) services * Integer.parseInt(parts[1]);
            int nodeCount = Integer.parseInt(r.getParams().getParam("nodes"));
            double millis = r.getPrimaryResult().getScore();
            System.out.printf(Locale.ROOT, "scheduler: %,d tasks (%d service%s) on %,d nodes, constraint + reservations + "
                            + "spread=node.labels.zone, %.0f ms per batch: %,.0f placements/s%n",
                    tasks, services, services == 1 ? "" : "s", nodeCount, millis, tasks / (millis / 1000.0));
        }
    }
}
