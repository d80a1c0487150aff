package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.agent.logs.LogFollowers;
import io.orch.api.json.DockerJson;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ContainerStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /containers/{id}/stats}: Docker's stats JSON from the runtime's sample of the
 * task's cgroup, once a second while {@code stream} (the default), else one sample. Each sample
 * carries the previous one as {@code precpu_stats} (and the host's CPU time as
 * {@code system_cpu_usage}), which is what the docker CLI computes CPU % from; a one-shot answer
 * takes two samples a second apart so that its CPU % is real too, as Docker's does.
 */
final class ContainerStatsRoute {
    static final long INTERVAL_MILLIS = 1000;

    private ContainerStatsRoute() {}

    static ApiResponse stats(ContainerView c, ApiRequest request, Clock clock) throws ApiException {
        ContainerRuntime runtime = c.local().runtime();
        String taskId = c.task().getId();
        if (runtime.containerStats(taskId).isEmpty()) {
            throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED,
                    "the " + runtime.name() + " runtime has no detailed statistics for its tasks on this node");
        }
        boolean stream = request.query("stream").isEmpty() || request.flag("stream");
        boolean oneShot = request.flag("one-shot");
        Sampler sampler = new Sampler(c, runtime, clock);
        if (!stream) {
            ObjectNode first = sampler.next();
            if (!oneShot) {
                try {
                    Thread.sleep(INTERVAL_MILLIS); // the interval Docker's one-shot-less answer measures CPU over
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                first = sampler.next();
            }
            return ApiResponse.ok(first);
        }
        return ApiResponse.streaming(HttpResponseStatus.OK, ApiResponse.JSON, (channel, keepAlive) -> follow(channel, sampler));
    }

    private static void follow(Channel channel, Sampler sampler) {
        // task[0] is guarded by task: the first tick (no delay) may run before scheduleWithFixedDelay returns
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        Runnable tick = () -> {
            if (!channel.isActive()) {
                task[0].cancel(false);
                return;
            }
            Optional<ObjectNode> sample = sampler.nextIfRunning();
            if (sample.isEmpty()) {
                task[0].cancel(false);
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (!channel.isWritable()) {
                return; // a slow reader: skip a sample rather than queue them
            }
            byte[] bytes = (sample.get().toString() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        };
        synchronized (task) {
            task[0] = LogFollowers.shared().scheduleWithFixedDelay(() -> {
                synchronized (task) {
                    tick.run();
                }
            }, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        channel.closeFuture().addListener(f -> task[0].cancel(false));
    }

    /** Successive samples of one container, each with the previous as precpu_stats. */
    static final class Sampler {
        private final ContainerView c;
        private final ContainerRuntime runtime;
        private final Clock clock;
        // no lock of their own: used by one request thread (one-shot), or by the stream's ticks,
        // which run one at a time under follow()'s task lock
        private ObjectNode previousCpu;
        private Instant previousRead;

        Sampler(ContainerView c, ContainerRuntime runtime, Clock clock) {
            this.c = c;
            this.runtime = runtime;
            this.clock = clock;
        }

        Optional<ObjectNode> nextIfRunning() {
            Optional<ContainerStats> s = runtime.containerStats(c.task().getId());
            return s.map(this::next);
        }

        ObjectNode next() {
            return next(runtime.containerStats(c.task().getId()).orElse(
                    new ContainerStats(-1, -1, -1, -1, -1, Map.of(), -1, -1, -1, -1, Map.of())));
        }

        private ObjectNode next(ContainerStats s) {
            Instant now = clock.instant();
            ObjectNode cpu = cpu(s, hostCpuNanos());
            ObjectNode out = json(c, s, now, previousRead, cpu, previousCpu, hostMemory());
            previousCpu = cpu;
            previousRead = now;
            return out;
        }
    }

    /** Docker's stats document. */
    static ObjectNode json(ContainerView c, ContainerStats s, Instant read, Instant preread, ObjectNode cpu,
                           ObjectNode precpu, long hostMemory) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("read", ContainerJson.time(read));
        out.put("preread", preread == null ? ContainerJson.ZERO_TIME : ContainerJson.time(preread));
        out.putObject("pids_stats").put("current", Math.max(0, s.pids())).put("limit", Math.max(0, s.pidsLimit()));
        ObjectNode blkio = out.putObject("blkio_stats");
        var io = blkio.putArray("io_service_bytes_recursive");
        if (s.ioReadBytes() >= 0) {
            io.addObject().put("major", 0).put("minor", 0).put("op", "read").put("value", s.ioReadBytes());
            io.addObject().put("major", 0).put("minor", 0).put("op", "write").put("value", s.ioWriteBytes());
        }
        out.put("num_procs", 0);
        out.putObject("storage_stats");
        out.set("cpu_stats", cpu);
        out.set("precpu_stats", precpu != null ? precpu : emptyCpu(cpu.path("online_cpus").asInt()));
        ObjectNode mem = out.putObject("memory_stats");
        mem.put("usage", Math.max(0, s.memoryUsage()));
        ObjectNode stats = mem.putObject("stats");
        s.memoryStat().forEach(stats::put);
        mem.put("limit", s.memoryLimit() > 0 ? s.memoryLimit() : hostMemory);
        out.put("name", "/" + c.name());
        out.put("id", c.id());
        ObjectNode nets = out.putObject("networks");
        s.networks().forEach((name, counters) -> {
            ObjectNode n = nets.putObject(name);
            counters.forEach(n::put);
        });
        return out;
    }

    static ObjectNode cpu(ContainerStats s, long hostCpuNanos) {
        ObjectNode cpu = DockerJson.MAPPER.createObjectNode();
        cpu.putObject("cpu_usage").put("total_usage", Math.max(0, s.cpuTotalNanos()))
                .put("usage_in_kernelmode", Math.max(0, s.cpuSystemNanos()))
                .put("usage_in_usermode", Math.max(0, s.cpuUserNanos()));
        cpu.put("system_cpu_usage", hostCpuNanos);
        cpu.put("online_cpus", Runtime.getRuntime().availableProcessors());
        cpu.putObject("throttling_data").put("periods", 0).put("throttled_periods", 0).put("throttled_time", 0);
        return cpu;
    }

    private static ObjectNode emptyCpu(int cpus) {
        ObjectNode cpu = DockerJson.MAPPER.createObjectNode();
        cpu.putObject("cpu_usage").put("total_usage", 0).put("usage_in_kernelmode", 0).put("usage_in_usermode", 0);
        cpu.put("system_cpu_usage", 0).put("online_cpus", cpus);
        cpu.putObject("throttling_data").put("periods", 0).put("throttled_periods", 0).put("throttled_time", 0);
        return cpu;
    }

    /** The host's CPU time in nanoseconds (the "cpu" line of /proc/stat, in USER_HZ ticks), as Docker's system_cpu_usage. */
    static long hostCpuNanos() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    long ticks = 0;
                    String[] f = line.trim().split("\\s+");
                    for (int i = 1; i < Math.min(f.length, 8); i++) { // user..softirq, as Docker sums them
                        ticks += Long.parseLong(f[i]);
                    }
                    return ticks * (1_000_000_000L / 100);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unreadable: CPU % shows 0
        }
        return 0;
    }

    private static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }
}
