package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.packaging.cluster.ClusterFixture.Role;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/run scale}: what an agent costs as its task count grows. Part one: one node
 * ({@code orch init}, process runtime) taken to {@code --tasks} tasks in three steps (a quarter,
 * a half, all of it), {@code --services} services of equal size. Part two: a loopback cluster of
 * {@code --nodes} agents ({@code --managers} of them managers, the rest workers) taken to
 * {@code --cluster-tasks} the same way. At 0 tasks and after each step, once the leader counts
 * every task running: time to converge (the create or scale requests -> the leader's
 * {@code GET /services?status=true} counts them all running, polled every 250 ms), each agent's
 * CPU over an idle window of {@code --idle} seconds after {@code --settle} seconds of rest (utime +
 * stime from /proc/PID/stat, % of one core; the busiest agent's also by thread name), its VmRSS and its heap in use after a full GC
 * ({@code jcmd GC.run}, then GC.heap_info),
 * and the median latency of {@code --samples} sequential {@code GET /services}, {@code /tasks} and
 * {@code /nodes} on the leader. Then per-task columns: converge time per task added, RSS and heap
 * per task over the 0-task figures, /tasks latency per task. Flat per-task costs are the goal.
 *
 * <p>The agents run with the launcher's default JVM options (not the smaller heap of the tests).
 * Every agent and task process is ended at the end (the fixture kills by PID, and every process
 * under its run directory).
 */
public final class ScaleBench {
    private static final Duration GIVE_UP = Duration.ofMinutes(5);
    /** How often a create or scale refused during an election (503) is asked again of the new leader. */
    private static final int RETRIES_ON_ELECTION = 5;
    private static final Pattern GEN_USED = Pattern.compile("generation\\s+total\\s+\\d+K, used (\\d+)K");
    private static final long CLK_TCK = clockTicks();

    private ScaleBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, Map.of("tasks", "1000", "cluster-tasks", "2000", "nodes", "5",
                "managers", "3", "services", "10", "idle", "20", "settle", "15", "samples", "20", "steps", "3"));
        int services = Math.max(1, args.integer("services"));
        System.out.printf("scale: %d cores, load %s, CLK_TCK %d, idle window %d s after %s s of rest, %d latency samples%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), CLK_TCK, args.integer("idle"), settles(args),
                args.integer("samples"));
        if (args.integer("tasks") > 0) {
            run("one node", 1, 1, args.integer("tasks"), services, args);
        }
        if (args.integer("cluster-tasks") > 0 && args.integer("nodes") > 0) {
            int nodes = args.integer("nodes");
            run(nodes + " nodes", nodes, Math.max(1, Math.min(args.integer("managers"), nodes)), args.integer("cluster-tasks"),
                    services, args);
        }
    }

    /**
     * One idle window's figures: per agent CPU (% of a core) over {@code --idle} s that opened {@code settle} s
     * after converging, the busiest agent's threads and the load average at its end.
     */
    private record Window(int settle, List<Double> cpu, String load, String busiestThreads) {}

    /**
     * One step's figures: per agent (cpu %, rss KiB, heap KiB) and the leader's API latencies in ms. {@code cpu} is
     * the last idle window's (the longest rest); {@code windows} holds every window, one per {@code --settle} value.
     */
    private record Step(int tasks, double convergeSeconds, List<Double> cpu, List<Long> rssKb, List<Long> heapKb,
                        double servicesMs, double tasksMs, double nodesMs, String load, String busiestThreads,
                        List<Window> windows) {
        double cpuSum() {
            return cpu.stream().mapToDouble(Double::doubleValue).sum();
        }

        long rssSum() {
            return rssKb.stream().mapToLong(Long::longValue).sum();
        }

        long heapSum() {
            return heapKb.stream().mapToLong(Long::longValue).sum();
        }
    }

    private static void run(String title, int nodes, int managers, int total, int services, BenchArgs args) throws Exception {
        int perService = Math.max(1, total / services);
        total = perService * services;
        System.out.printf("%n== %s: %d manager(s) + %d worker(s), process runtime, %d tasks in %d services (started %s)%n",
                title, managers, nodes - managers, total, services, java.time.Instant.now());
        List<Step> steps = new ArrayList<>();
        try (ClusterFixture cluster = new ClusterFixture("bench-scale", new PortBlocks(24900, 25000, true))) {
            cluster.beforeStart(n -> n.env = Map.of()); // the launcher's default JVM options
            try {
                cluster.init("m1", NodeHost.LOOPBACK);
                for (int i = 2; i <= managers; i++) {
                    cluster.join("m" + i, Role.MANAGER, NodeHost.LOOPBACK);
                }
                for (int i = 1; i <= nodes - managers; i++) {
                    cluster.join("w" + i, Role.WORKER, NodeHost.LOOPBACK);
                }
                NodeApi leader = cluster.awaitLeader(cluster.managers(), GIVE_UP).api;
                List<AgentNode> agents = cluster.nodes();
                System.out.println("agents: " + agents);
                steps.add(measure(agents, leader, 0, 0, args));
                print(steps.get(0));
                // --steps 1 goes straight to the full size (the idle figures at rest, without the
                // intermediate steps' settle and idle windows)
                int[] sizes = args.integer("steps") <= 1 ? new int[] {perService} : new int[] {perService / 4, perService / 2, perService};
                boolean created = false;
                for (int size : sizes) {
                    if (size == 0) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    for (int s = 0; s < services; s++) {
                        String name = "scale" + s;
                        NodeApi.Reply r = createOrScale(leader, name, size, created);
                        // a 503 is a write refused while the managers elect a leader (under load a
                        // false election happens): asked again of the leader there is then, as an
                        // operator would, and said, since it is part of what the run measured
                        boolean retried = false;
                        for (int attempt = 1; r.status() == 503 && attempt <= RETRIES_ON_ELECTION; attempt++) {
                            retried = true;
                            System.out.printf("%s %s refused (%s): asking the leader again (attempt %d)%n",
                                    created ? "scale" : "create", name, r.body().strip(), attempt + 1);
                            leader = cluster.awaitLeader(cluster.managers(), GIVE_UP).api;
                            r = createOrScale(leader, name, size, created);
                            if (!created && r.status() == 409) {
                                break; // the refused create had committed after all: the service is there
                            }
                        }
                        if (!r.ok() && !(retried && !created && r.status() == 409)) {
                            throw new AssertionError((created ? "scale " : "create ") + name + ": " + r);
                        }
                    }
                    created = true;
                    awaitRunning(leader, size * services, t0);
                    double converge = (System.nanoTime() - t0) / 1e9;
                    steps.add(measure(agents, leader, size * services, converge, args));
                    print(steps.get(steps.size() - 1));
                }
                printTaskProcesses(cluster);
            } catch (Throwable t) {
                cluster.markFailed("scale: " + t);
                throw t;
            }
            System.out.printf("stopping %d agents and their tasks%n", nodes);
        }
        summary(title, nodes, steps);
    }

    private static NodeApi.Reply createOrScale(NodeApi api, String name, int replicas, boolean created) {
        return created ? scale(api, name, replicas) : api.createSleepService(name, replicas, ClusterFixture.sleepTag());
    }

    private static NodeApi.Reply scale(NodeApi api, String name, int replicas) {
        JsonNode service = api.get("/services/" + name);
        ObjectNode spec = (ObjectNode) service.path("Spec").deepCopy();
        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        long version = service.path("Version").path("Index").asLong();
        return api.call("POST", "/services/" + name + "/update?version=" + version, spec.toString());
    }

    /** How long {@code expected} tasks may take to run: 5 minutes, plus 60 ms a task (a 5,000-task cluster step: 10 minutes). */
    private static Duration convergeDeadline(int expected) {
        return GIVE_UP.plusMillis(60L * expected);
    }

    private static void awaitRunning(NodeApi leader, int expected, long t0) {
        Duration deadline = convergeDeadline(expected);
        long giveUp = t0 + deadline.toNanos();
        int running = -1;
        while (System.nanoTime() < giveUp) {
            NodeApi.Reply r = leader.call("GET", "/services?status=true", null, Duration.ofSeconds(30));
            if (r.status() == 200) {
                running = 0;
                for (JsonNode s : r.json()) {
                    running += s.path("ServiceStatus").path("RunningTasks").asInt();
                }
                if (running >= expected) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        throw new AssertionError(running + " of " + expected + " tasks running after " + deadline.toSeconds() + " s");
    }

    private static Step measure(List<AgentNode> agents, NodeApi leader, int tasks, double converge, BenchArgs args)
            throws InterruptedException {
        int idle = args.integer("idle");
        long converged = System.nanoTime();
        List<Window> windows = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        for (int settle : settles(args)) {
            // the JIT is still compiling what converging ran (its compiler threads took half of a lone
            // agent's "idle" CPU in a window opened at once): a node at rest is measured at rest, and
            // a second, later window (--settle 15,120) says how much of the first was warm-up
            long opens = converged + TimeUnit.SECONDS.toNanos(settle);
            long wait = opens - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            rss.clear();
            windows.add(idleWindow(agents, settle, idle, rss));
            Window w = windows.get(windows.size() - 1);
            if (windows.size() > 1 || settles(args).size() > 1) {
                System.out.printf("       window after %d s of rest: idle CPU per agent %s; load %s%n         busiest by thread: %s%n",
                        settle, percents(w.cpu()), w.load(), w.busiestThreads());
            }
        }
        Window last = windows.get(windows.size() - 1);
        List<Double> cpu = last.cpu();
        String busiestThreads = last.busiestThreads();
        String load = loadAverage();
        int samples = Math.max(1, args.integer("samples"));
        double services = latency(leader, "/services", samples);
        double taskList = latency(leader, "/tasks", samples);
        double nodeList = latency(leader, "/nodes", samples);
        List<Long> heap = new ArrayList<>();
        for (AgentNode a : agents) {
            heap.add(heapAfterGc(a.pid()));
        }
        return new Step(tasks, converge, cpu, rss, heap, services, taskList, nodeList, load, busiestThreads, windows);
    }

    /** Each agent's CPU over {@code idle} s from now (rss gets each agent's VmRSS at its end). */
    private static Window idleWindow(List<AgentNode> agents, int settle, int idle, List<Long> rss) throws InterruptedException {
        long[] before = new long[agents.size()];
        List<ThreadTicks> threadsBefore = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            before[i] = cpuTicks(agents.get(i).pid());
            threadsBefore.add(ThreadTicks.of(agents.get(i).pid()));
        }
        long w0 = System.nanoTime();
        Thread.sleep(idle * 1000L); // the measurement window itself: nothing to wait for
        double seconds = (System.nanoTime() - w0) / 1e9;
        List<Double> cpu = new ArrayList<>();
        String busiestThreads = "";
        double busiest = -1;
        for (int i = 0; i < agents.size(); i++) {
            long pid = agents.get(i).pid();
            ThreadTicks threadsAfter = ThreadTicks.of(pid);
            cpu.add(100.0 * (cpuTicks(pid) - before[i]) / CLK_TCK / seconds);
            rss.add(rssKb(pid));
            if (cpu.get(i) > busiest) {
                busiest = cpu.get(i);
                busiestThreads = "agent " + (i + 1) + ": " + threadsAfter.busiest(threadsBefore.get(i), 8, seconds, CLK_TCK);
            }
        }
        return new Window(settle, cpu, loadAverage(), busiestThreads);
    }

    /** {@code --settle}: one or more comma-separated seconds of rest, each opening an idle window. */
    private static List<Integer> settles(BenchArgs args) {
        List<Integer> settles = new ArrayList<>();
        for (String s : args.string("settle").split(",")) {
            try {
                int v = Integer.parseInt(s.trim());
                if (v < 0) {
                    throw new NumberFormatException();
                }
                settles.add(v);
            } catch (NumberFormatException e) {
                System.err.println("--settle " + args.string("settle") + ": not a comma-separated list of non-negative integers");
                System.exit(2);
            }
        }
        return settles.stream().sorted().toList();
    }

    private static String percents(List<Double> xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%.2f%%", x));
        }
        return b.toString();
    }

    private static double latency(NodeApi api, String path, int samples) {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            NodeApi.Reply r = api.call("GET", path, null, Duration.ofSeconds(30));
            if (r.status() == 200) {
                micros.add((System.nanoTime() - t0) / 1000);
            }
        }
        return micros.isEmpty() ? -1 : BenchArgs.median(micros) / 1000.0;
    }

    private static void print(Step s) {
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < s.cpu().size(); i++) {
            per.append(String.format(" [%.2f%% %.0f/%.0f MiB]", s.cpu().get(i), s.rssKb().get(i) / 1024.0, s.heapKb().get(i) / 1024.0));
        }
        System.out.printf("%5d tasks: converged in %.2f s; idle CPU %.2f%% of a core (sum); RSS %.0f MiB, heap after GC %.0f MiB (sums); "
                        + "GET /services %.1f ms, /tasks %.1f ms, /nodes %.1f ms; load %s; per agent [cpu rss/heap]:%s%n",
                s.tasks(), s.convergeSeconds(), s.cpuSum(), s.rssSum() / 1024.0, s.heapSum() / 1024.0, s.servicesMs(),
                s.tasksMs(), s.nodesMs(), s.load(), per);
        System.out.printf("       idle CPU of the busiest agent by thread (%% of a core): %s%n", s.busiestThreads());
    }

    private static void summary(String title, int nodes, List<Step> steps) {
        System.out.printf("%nscale, %s (sums over %d agent(s); per-task columns against the 0-task row):%n", title, nodes);
        System.out.printf("%6s %9s %9s %8s %9s %9s %10s %11s %10s %9s %10s %9s  %s%n", "tasks", "converge", "ms/task", "cpu%", "rss MiB",
                "KiB/task", "heap MiB", "heapKiB/tsk", "services", "tasks ms", "us/task", "nodes ms", "load");
        Step base = steps.get(0);
        int prevTasks = 0;
        for (Step s : steps) {
            boolean any = s.tasks() > 0;
            int added = s.tasks() - prevTasks;
            System.out.printf("%6d %8.2fs %9s %8.2f %9.0f %9s %10.0f %11s %9.1fms %9.1f %10s %9.1f  %s%n",
                    s.tasks(), s.convergeSeconds(),
                    any && added > 0 ? String.format("%.2f", 1000 * s.convergeSeconds() / added) : "-",
                    s.cpuSum(), s.rssSum() / 1024.0,
                    any ? String.format("%.1f", (s.rssSum() - base.rssSum()) / (double) s.tasks()) : "-",
                    s.heapSum() / 1024.0,
                    any ? String.format("%.1f", (s.heapSum() - base.heapSum()) / (double) s.tasks()) : "-",
                    s.servicesMs(), s.tasksMs(),
                    any ? String.format("%.1f", 1000 * s.tasksMs() / s.tasks()) : "-",
                    s.nodesMs(), s.load());
            prevTasks = s.tasks();
        }
        Step last = steps.get(steps.size() - 1);
        double maxCpu = last.cpu().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf("idle CPU at %d tasks: busiest agent %.2f%% of a core (goal < 2%%)%n", last.tasks(), maxCpu);
    }

    /** The task processes the agents started, found by working directory under the run (the log stampers run elsewhere): count and PSS sum. */
    private static void printTaskProcesses(ClusterFixture cluster) {
        List<HostProcesses.Proc> procs = HostProcesses.under(cluster.root);
        long pss = 0;
        for (HostProcesses.Proc p : procs) {
            pss += field("/proc/" + p.pid() + "/smaps_rollup", "Pss:");
        }
        System.out.printf("task processes by working directory (supervisor shell and task; not the log stampers): %d, PSS sum %.0f MiB%n", procs.size(), pss / 1024.0);
    }

    // ------------------------------------------------------------------ /proc and jcmd

    private static long cpuTicks(long pid) {
        try {
            return ThreadTicks.cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new AssertionError("agent " + pid + " is gone", e);
        }
    }

    private static long rssKb(long pid) {
        return field("/proc/" + pid + "/status", "VmRSS:");
    }

    private static long field(String file, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // exited meanwhile
        }
        return 0;
    }

    /** Heap in use after a full collection (SerialGC's young + old generation), KiB; -1 without jcmd. */
    private static long heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long used = 0;
        Matcher m = GEN_USED.matcher(info);
        boolean any = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? used : -1;
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
