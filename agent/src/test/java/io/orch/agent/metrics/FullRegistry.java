package io.orch.agent.metrics;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.orch.agent.api.MetricsOnlyApi;
import io.orch.agent.manager.SchedulerLoop;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.SupervisedTask;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.LocalProposer;
import io.orch.raft.ratis.RaftStats;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.fake.FakeRuntime;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link AgentMetrics} with every meter the agent exports registered, through the same
 * bindings the agent uses (a store and replica, a timed runtime, a worker's running task, a
 * dispatcher session, a control loop, an API request): what a scrape of a busy node shows.
 */
final class FullRegistry implements AutoCloseable {
    final AgentMetrics metrics = new AgentMetrics();
    final FakeRuntime runtime = new FakeRuntime();
    private final ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());

    FullRegistry() throws Exception {
        store.start();
        metrics.bind(store, () -> new RaftStats(true, 10, 9, 1, 4096, 1024));
        metrics.timed(runtime);
        metrics.dispatcherSession().connected(true);
        new LoopDriver(new SchedulerLoop(store, metrics.placements()), store, Clock.systemUTC(), metrics.registry());
        runtime.start(new TaskConfig("t1", "web.1.t1", "busybox", List.of("sleep", "1000"), Map.of(), "", "", "", null,
                Map.of(), Path.of("/nonexistent/t1"), null, null));
        runtime.setUsage("t1", new ResourceUsage(2_500_000_000L, 64L << 20, 1));
        Task task = Task.newBuilder().setId("t1").setServiceId("s1").build();
        metrics.followTasks(() -> List.of(new SupervisedTask(task, "web", TaskState.RUNNING, runtime)), "node-1");
        metrics.taskUsageNow();
        scrapeThroughTheApi();
    }

    /** One GET /metrics through the metrics listener's handler: the API request timer gets its first series. */
    private void scrapeThroughTheApi() {
        EmbeddedChannel ch = new EmbeddedChannel(MetricsOnlyApi.handler(metrics::registry, "test"));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
        FullHttpResponse response = ch.readOutbound();
        if (response == null || response.status().code() != 200) {
            throw new AssertionError("GET /metrics through the handler: " + response);
        }
        response.release();
        ch.finishAndReleaseAll();
    }

    String scrape() {
        return metrics.registry().scrape();
    }

    /** The names of every sample in {@code scrape} (before the labels). */
    static Set<String> sampleNames(String scrape) {
        Set<String> names = new HashSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
        }
        return names;
    }

    @Override
    public void close() throws Exception {
        metrics.close();
    }
}
