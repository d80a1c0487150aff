package io.orch.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.orch.agent.worker.SupervisedTask;
import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.TaskState;
import io.orch.runtime.ResourceUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per task CPU and memory: {@code orch_task_cpu_seconds_total} and {@code orch_task_memory_bytes},
 * labelled {@code service}, {@code task}, {@code node}. The runtimes read them from the task's
 * cgroup (runc), the Docker engine (docker) or the task's process group in /proc (process).
 *
 * <p>Sampled on a thread of its own every {@link #PERIOD}, not at scrape time: a scrape reads
 * the last sample and never waits on a cgroup file or the Docker engine. Only tasks that last
 * reported RUNNING are sampled; a task that is no longer running loses its series at the next
 * sample, so the label set stays as large as what runs.
 *
 * <p>A pass costs CPU in proportion to what runs (the process runtime reads every process's
 * /proc stat file: some 100 ms of CPU at 1,000 tasks, two thirds of it in the kernel), and a node
 * at rest must stay near zero. So the next pass waits until this one's CPU time is at most
 * {@link #CPU_BUDGET} of a core: every {@link #PERIOD} on a small node, less often (at most every
 * {@link #LONGEST_PERIOD}) on a crowded one, whose figures are then that much older. The budget
 * was 0.5 % with a 30 s longest period: 0.4 % of a core at 1,000 tasks, a fifth of the whole
 * agent's 2 % goal at rest; at 0.2 % a 1,000-task node samples about once a minute, about as often
 * as a Prometheus server scrapes.
 */
final class TaskUsageMeters implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(5);
    static final Duration LONGEST_PERIOD = Duration.ofSeconds(60);
    /** The share of one core sampling may use, measured on the sampling thread. */
    static final double CPU_BUDGET = 0.002;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Logger log = LoggerFactory.getLogger(TaskUsageMeters.class);

    private final MeterRegistry registry;
    private final Map<String, Series> series = new ConcurrentHashMap<>(); // only the sampling thread changes it
    private volatile Supplier<List<SupervisedTask>> tasks = List::of;
    private volatile String node = "";
    private ScheduledExecutorService sampler; // guarded by this

    /** One task's last sample and the meters that read it. */
    private record Series(AtomicLong cpuNanos, AtomicLong memoryBytes, List<Meter> meters) {
    }

    TaskUsageMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Samples the tasks of this worker from now on, labelled with this node's name. */
    synchronized void follow(Supplier<List<SupervisedTask>> source, String nodeName) {
        tasks = source;
        node = nodeName;
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-task-usage"));
            sampler.execute(this::sampleAndReschedule);
        }
    }

    private void sampleAndReschedule() {
        long cpu0 = threadCpuNanos();
        long wall0 = System.nanoTime();
        sampleQuietly();
        long cpu1 = threadCpuNanos();
        long used = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : System.nanoTime() - wall0; // wall time where CPU time is not measured
        synchronized (this) {
            if (sampler != null) {
                sampler.schedule(this::sampleAndReschedule, nextDelay(used).toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** How long to wait after a pass that used {@code cpuNanos}: {@link #PERIOD}, or longer to keep within {@link #CPU_BUDGET}. */
    static Duration nextDelay(long cpuNanos) {
        long withinBudget = (long) (Math.max(0, cpuNanos) / CPU_BUDGET);
        return Duration.ofNanos(Math.min(LONGEST_PERIOD.toNanos(), Math.max(PERIOD.toNanos(), withinBudget)));
    }

    private static long threadCpuNanos() {
        try {
            return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.debug("task usage sample failed: {}", e.toString()); // the next one tries again
        }
    }

    /** One pass: every running task's usage, and the series of tasks that stopped removed. */
    void sample() {
        Set<String> running = new HashSet<>();
        String nodeName = node;
        for (SupervisedTask t : tasks.get()) {
            if (t.state() != TaskState.RUNNING) {
                continue;
            }
            String id = t.task().getId();
            ResourceUsage usage = t.runtime().stats(id);
            if (usage.cpuNanos() < 0 && usage.memoryBytes() < 0) {
                continue; // the runtime cannot tell (yet): no series rather than a made-up zero
            }
            running.add(id);
            Series s = series.computeIfAbsent(id, k -> register(t, nodeName));
            if (usage.cpuNanos() >= 0) {
                s.cpuNanos.set(usage.cpuNanos());
            }
            if (usage.memoryBytes() >= 0) {
                s.memoryBytes.set(usage.memoryBytes());
            }
        }
        for (String id : Set.copyOf(series.keySet())) {
            if (!running.contains(id)) {
                series.remove(id).meters.forEach(registry::remove);
            }
        }
    }

    private Series register(SupervisedTask t, String nodeName) {
        AtomicLong cpu = new AtomicLong();
        AtomicLong memory = new AtomicLong();
        Tags tags = Tags.of("service", t.serviceName(), "task", t.task().getId(), "node", nodeName);
        Meter cpuMeter = FunctionCounter.builder("orch.task.cpu", cpu, c -> c.get() / 1e9).baseUnit("seconds").tags(tags)
                .description("CPU time the task used (user and system), from its cgroup or process group")
                .register(registry);
        Meter memoryMeter = Gauge.builder("orch.task.memory", memory, AtomicLong::get).strongReference(true).baseUnit("bytes").tags(tags)
                .description("memory the task uses now, from its cgroup or process group")
                .register(registry);
        return new Series(cpu, memory, List.of(cpuMeter, memoryMeter));
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }
}
