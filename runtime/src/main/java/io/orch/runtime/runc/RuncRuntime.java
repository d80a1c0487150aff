package io.orch.runtime.runc;

import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.ExitFileWatch;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.StopRequest;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.TableBackedRuntime;
import io.orch.runtime.TaskTable;
import io.orch.runtime.health.HealthSpec;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TaskRootfs;
import io.orch.runtime.logs.LogRecord;
import io.orch.runtime.net.Attachment;
import io.orch.runtime.net.NetworkConfig;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.net.OverlayAttacher;
import io.orch.runtime.net.PortProxyProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as OCI containers with runc: rootfs from the node's image store with a writable
 * layer per task, a bundle per task in its task dir, cgroup limits at {@code /orch/<id>}, stdio
 * to the task's log files, and a {@link Shim} per container that keeps its exit code. Containers
 * keep running when the agent stops; {@link #recover} re-attaches to them. Needs root.
 *
 * <p>Networking (the task's {@link TaskConfig.Network}): by default each container gets its own
 * network namespace on the node's bridge ({@link NodeNetwork}), and its host-mode published ports
 * a {@link PortProxyProcess} that, like the shim, outlives the agent. Host and none modes too.
 */
public final class RuncRuntime extends TableBackedRuntime<RuncTask> {
    public static final String NAME = "runc";
    private static final Logger log = LoggerFactory.getLogger(RuncRuntime.class);
    public static final RuntimeCapabilities CAPABILITIES = new RuntimeCapabilities(true, true, true, true,
            true, true, true, true);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final int MAX_EXEC_OUTPUT = 64 * 1024;
    private static final LogFiles DISCARDED = new LogFiles(Path.of("/dev/null"), Path.of("/dev/null"));
    /**
     * Containers started at once. Most of a start is runc and the kernel working (namespaces,
     * mounts, cgroups), so a few per core keep the cores busy; many more only make each slower.
     */
    static final int PARALLEL_STARTS = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());

    private final Optional<Path> runcPath;
    private final Path stateRoot;
    private final Path volumesDir;
    private final ImageStore images;
    private final RuncNetworking networking;
    private final RuncRecovery recovery;
    /** How every container started here ended, from its shim's exit file: one thread for all. */
    private final ExitFileWatch exits = new ExitFileWatch("orch-runc-exits");
    /**
     * When each container being started has its pid (runc's pid file) or its shim gave up (the
     * exit file): both appear by a rename, which inotify reports at once. Polling for them every
     * 3 ms cost ~100 us of CPU a poll on a loaded 2-core VM, where a start under load waits
     * a second or more: tens of ms of CPU per start for nothing.
     */
    private final ExitFileWatch startWatch = new ExitFileWatch("orch-runc-starts");
    private volatile boolean closed;
    /** Ids of the tasks being started now. */
    private final Set<String> starting = ConcurrentHashMap.newKeySet();
    private final Semaphore startSlots = new Semaphore(PARALLEL_STARTS);

    /**
     * @param dataDir the node's data dir: runc state goes to {@code runc/}, named volumes to {@code volumes/}
     * @param images  the node's image store
     */
    public RuncRuntime(Path dataDir, ImageStore images) {
        this(dataDir, images, NetworkConfig.defaults());
    }

    /** @param network the node's bridge and the address pool its subnet comes from; state goes to {@code net/} */
    public RuncRuntime(Path dataDir, ImageStore images, NetworkConfig network) {
        this(RuncBinary.find(), dataDir, images, network);
    }

    RuncRuntime(Optional<Path> runcPath, Path dataDir, ImageStore images, NetworkConfig network) {
        super(NAME, CAPABILITIES);
        this.runcPath = runcPath;
        this.stateRoot = dataDir.resolve("runc").toAbsolutePath();
        this.volumesDir = dataDir.resolve("volumes").toAbsolutePath();
        this.images = images;
        this.networking = new RuncNetworking(new NodeNetwork(network, dataDir.resolve("net")));
        this.recovery = new RuncRecovery(this::runc, tasks, networking, this::collect, this::destroyContainer);
    }

    /** Who joins containers to overlay networks on this node (the agent); without one such tasks fail. */
    public void useOverlays(OverlayAttacher attacher) {
        networking.useOverlays(attacher);
    }

    /** See {@link RuncNetworking#dnsNameserversOf}. */
    public List<String> dnsNameserversOf(String taskId) {
        return networking.dnsNameserversOf(taskId);
    }

    /** See {@link RuncNetworking#bridgeAddressOf}. */
    public Optional<String> bridgeAddressOf(String taskId) {
        return networking.bridgeAddressOf(taskId);
    }

    /** See {@link LeftoverSweep}: tasks this runtime supervises or is starting count as known too. */
    @Override
    public List<String> sweepLeftovers(Set<String> knownTaskIds, Path tasksDir) {
        if (unavailableReason().isPresent()) {
            return List.of();
        }
        return new LeftoverSweep(runc(), networking.node(), tasksDir,
                id -> knownTaskIds.contains(id) || tasks.contains(id) || starting.contains(id)).run();
    }

    @Override
    public Fingerprint fingerprint() {
        return Fingerprint.unlessUnavailable(unavailableReason(), this::probe);
    }

    /** What an available runc answers about itself and this node. */
    private Fingerprint probe() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("runc.path", runcPath.orElseThrow().toString());
        try {
            RuncBinary.Result v = RuncBinary.exec(List.of(runcPath.get().toString(), "--version"), 10);
            attrs.put("runc.version", v.output().lines().findFirst().orElse("?").replace("runc version ", ""));
        } catch (IOException e) {
            return Fingerprint.unavailable("runc --version failed: " + e.getMessage());
        }
        attrs.put("cgroup.mode", Cgroups.mode().name().toLowerCase());
        attrs.put("network", NodeNetwork.unavailableReason().isEmpty() ? "bridge " + networking.node().config().bridge() : "host");
        return Fingerprint.available(attrs);
    }

    private Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            return Optional.of("runc needs Linux");
        }
        if (runcPath.isEmpty()) {
            return Optional.of("runc is not installed (apt-get install runc)");
        }
        if (!isRoot()) {
            return Optional.of("the agent is not root (runc needs root here: no rootless setup)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            return Optional.of("/usr/bin/setsid not found (util-linux)");
        }
        if (Cgroups.mode() == Cgroups.Mode.NONE) {
            return Optional.of("no cgroup file system at /sys/fs/cgroup");
        }
        return Optional.empty();
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return false;
    }

    private RuncBinary runc() {
        return new RuncBinary(runcPath.orElseThrow(), stateRoot);
    }

    static String containerId(String taskId) {
        return "orch-" + taskId;
    }

    @Override
    public Optional<HealthSpec> imageHealthcheck(String image) {
        try {
            return images.resolve(image).flatMap(i -> i.config().healthcheck());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the task's container. Different tasks start in parallel (a 100-replica service
     * would otherwise start one container at a time), at most {@link #PARALLEL_STARTS} at once so
     * each start still gets done within its timeout on a small machine; a second start of a task
     * that is being started fails.
     */
    @Override
    public TaskHandle start(TaskConfig config) throws RuntimeFailure {
        Optional<String> problem = unavailableReason();
        if (problem.isPresent()) {
            throw new RuntimeFailure("runc runtime unavailable: " + problem.get(), false);
        }
        StartPhases phases = new StartPhases();
        if (!starting.add(config.taskId())) {
            throw new RuntimeFailure("task " + config.taskId() + " is already being started", false);
        }
        try {
            startSlots.acquire();
        } catch (InterruptedException e) {
            starting.remove(config.taskId());
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted before starting task " + config.taskId(), true, e);
        }
        phases.mark("slot");
        try {
            return startContainer(config, phases);
        } finally {
            startSlots.release();
            starting.remove(config.taskId());
        }
    }

    private TaskHandle startContainer(TaskConfig config, StartPhases phases) throws RuntimeFailure {
        RuncTask previous = tasks.get(config.taskId());
        if (previous != null && previous.running()) {
            throw new RuntimeFailure("task " + config.taskId() + " is already running as pid " + previous.pid, false);
        }
        Image image = findImage(config.image());
        RuncNetworking.check(config.network());
        String id = containerId(config.taskId());
        Path bundle = config.taskDir().toAbsolutePath();
        String cgroupsPath = Cgroups.pathFor(id);
        Optional<Attachment> bridged = Optional.empty();
        RuncTask.Net net = RuncTask.Net.HOST;
        try {
            Files.createDirectories(bundle);
            Files.createDirectories(stateRoot);
            cleanupLeftover(id, bundle);
            TaskRootfs.prepare(image.rootfs(), bundle);
            phases.mark("rootfs");
            String hostname = config.hostname() == null || config.hostname().isBlank() ? id.substring(5, Math.min(17, id.length()))
                    : config.hostname();
            bridged = networking.attach(config, bundle);
            phases.mark("network");
            var spec = OciSpec.build(config, image.config(), bundle.resolve("rootfs"), hostname, cgroupsPath, volumesDir,
                    bridged);
            Files.write(bundle.resolve("config.json"), OciSpec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
            net = networking.publish(config, bridged, bundle);
            phases.mark("spec");
        } catch (IOException e) {
            abandon(config, bundle, net);
            throw new RuntimeFailure("preparing container " + id + " failed: " + e.getMessage(), true, e);
        } catch (RuntimeFailure e) {
            abandon(config, bundle, net);
            throw e;
        }
        LogFiles logs = LogFiles.in(bundle);
        try {
            // LogDriver none: the container's output is discarded (and so are runc's own errors)
            LogFiles output = config.logs().kept() ? logs : DISCARDED;
            awaitForker(Shim.launch(runc(), bundle, id, output.stdout(), output.stderr(), config.container().tty(),
                    config.logs()));
            phases.mark("shim");
        } catch (IOException e) {
            abandon(config, bundle, net);
            throw new RuntimeFailure("could not launch runc: " + e.getMessage(), true, e);
        }
        long pid = awaitContainerPid(bundle);
        phases.mark("container");
        if (pid <= 0) {
            String why = lastLines(logs.stderr(), 3);
            destroyContainer(id, bundle);
            abandon(config, bundle, net);
            throw new RuntimeFailure("container " + id + " did not start: " + (why.isEmpty() ? "runc exited" : why), false);
        }
        // the shim writes its pid before it runs runc: there by now (should it not be, the task is
        // followed through runc state instead of the shim's exit file)
        long shimPid = Shim.shimPid(bundle).orElse(-1L);
        long shimTicks = Shim.startTicks(shimPid).orElse(-1L);
        RuncTask task = new RuncTask(config.taskId(), id, bundle, pid, shimPid, shimTicks, System.currentTimeMillis(),
                cgroupsPath, image.id().toString(), net);
        tasks.put(config.taskId(), task);
        // the shim is not our child (no JDK reaper thread per container): its exit file says how the
        // container ended; a shim killed before it wrote one leaves the container to be followed by runc state
        exits.watch(bundle.resolve(Shim.EXIT_FILE), () -> Shim.provablyGone(shimPid, shimTicks)).thenAccept(code -> {
            if (code.isPresent()) {
                collect(task);
            } else {
                recovery.follow(task);
            }
        });
        log.info("task {} started as container {} (pid {}, image {}{}{}) in {} ms: {}", config.taskId(), id, pid,
                image.id().shortId(), net.address().map(a -> ", address " + a).orElse(""),
                net.ports().isEmpty() ? "" : ", ports " + net.ports(), phases.totalMillis(), phases);
        return task.handle();
    }

    /** Undoes a start that failed part way: the proxy, the network namespace and address, the rootfs. */
    private void abandon(TaskConfig config, Path bundle, RuncTask.Net net) {
        networking.abandon(config, net);
        releaseQuietly(bundle);
    }

    private Image findImage(String ref) throws RuntimeFailure {
        try {
            return images.resolve(ref).orElseThrow(() -> new RuntimeFailure("image " + ref
                    + " is not on this node (load it with: orch image load -i FILE)", false));
        } catch (IOException e) {
            throw new RuntimeFailure("reading the image store failed: " + e.getMessage(), true, e);
        }
    }

    /** A container of the same id from an earlier attempt (a retried start) would make runc refuse. */
    private void cleanupLeftover(String id, Path bundle) throws IOException {
        if (Files.exists(stateRoot.resolve(id))) {
            runc().run("delete", "--force", id);
        }
    }

    /** setsid --fork exits once it has forked the shim. */
    private static void awaitForker(Process forker) throws IOException {
        try {
            if (!forker.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || forker.exitValue() != 0) {
                forker.destroyForcibly();
                throw new IOException("setsid --fork did not start the shim");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the shim", e);
        }
    }

    /**
     * Waits until runc has created the container (its pid file) or the shim gave up (its exit
     * file, or the shim is gone without one); -1 if neither within the start timeout.
     */
    private long awaitContainerPid(Path bundle) {
        Path pidFile = bundle.resolve(Shim.PID_FILE);
        Path exitFile = bundle.resolve(Shim.EXIT_FILE);
        CompletableFuture<OptionalInt> created = startWatch.watch(pidFile, () -> Shim.gone(bundle));
        CompletableFuture<OptionalInt> ended = startWatch.watch(exitFile, () -> false);
        try {
            CompletableFuture.anyOf(created, ended).get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // neither: no pid
        } finally {
            startWatch.forget(pidFile);
            startWatch.forget(exitFile);
        }
        return Shim.containerPid(bundle).orElse(-1L);
    }

    /** The shim has exited: the container is stopped (kept, for its cgroup); record how it ended. */
    private void collect(RuncTask task) {
        Optional<Integer> code = Shim.exitCode(task.bundle);
        boolean oom = Cgroups.oomKilled(task.cgroupsPath);
        int exit = code.orElse(-1);
        int signal = exit > 128 && exit < 128 + 65 ? exit - 128 : 0;
        String message = code.isEmpty() ? "exit code unknown: the container's supervisor ended without recording it"
                : oom ? "OOM killed (exit " + exit + ")"
                : signal > 0 ? "killed by signal " + signal : "exited with " + exit;
        if (task.exit.complete(new ExitResult(exit, signal, oom, message))) {
            log.info("task {} (container {}) {}", task.taskId, task.containerId, message);
        }
    }

    @Override
    protected void stop(RuncTask task, StopRequest request) {
        String taskId = task.taskId;
        log.info("stopping task {} (container {}): SIG{}, grace {}", taskId, task.containerId, request.first().name(), request.grace());
        kill(task, request.first().name(), false);
        if (!awaitExit(task, request.firstWait(KILL_WAIT))) {
            log.info("task {} still running after grace: SIGKILL", taskId);
            kill(task, "KILL", true);
            awaitExit(task, KILL_WAIT);
        }
    }

    private void kill(RuncTask task, String signal, boolean all) {
        try {
            RuncBinary.Result r = all ? runc().run("kill", "--all", task.containerId, signal)
                    : runc().run("kill", task.containerId, signal);
            if (!r.ok()) {
                log.debug("runc kill {} {}: {}", task.containerId, signal, r.output());
            }
        } catch (IOException e) {
            log.warn("runc kill {} failed: {}", task.containerId, e.toString());
        }
    }

    @Override
    public void destroy(String taskId) {
        RuncTask task = tasks.get(taskId);
        if (task == null) {
            return;
        }
        if (task.running()) {
            stop(taskId, Duration.ZERO, Signal.KILL);
        }
        exits.forget(task.bundle.resolve(Shim.EXIT_FILE));
        destroyContainer(task.containerId, task.bundle);
        networking.release(taskId, task.net);
        tasks.remove(taskId, task);
        log.debug("task {} destroyed", taskId);
    }

    private void destroyContainer(String id, Path bundle) {
        try {
            RuncBinary.Result r = runc().run("delete", "--force", id);
            if (!r.ok() && !r.output().contains("does not exist")) {
                log.warn("runc delete {}: {}", id, r.output());
            }
        } catch (IOException e) {
            log.warn("runc delete {} failed: {}", id, e.toString());
        }
        releaseQuietly(bundle);
    }

    private static void releaseQuietly(Path bundle) {
        try {
            TaskRootfs.release(bundle);
        } catch (IOException e) {
            log.warn("could not release the rootfs of {}: {}", bundle, e.toString());
        }
    }

    @Override
    public ResourceUsage stats(String taskId) {
        RuncTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return ResourceUsage.UNKNOWN;
        }
        return new ResourceUsage(Cgroups.cpuNanos(task.cgroupsPath), Cgroups.memoryBytes(task.cgroupsPath),
                Cgroups.pids(task.cgroupsPath));
    }

    @Override
    protected LogFiles logFiles(RuncTask task) {
        return LogFiles.in(task.bundle);
    }

    /**
     * Runs {@code command} in the container (its env, user and cwd) with {@code runc exec}. The
     * output goes to a file (not a pipe a stray background child could hold open); on timeout the
     * exec'd process is killed through the pid runc reports.
     */
    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        RuncTask task = execTarget(taskId, command);
        Path out;
        Path pidFile;
        try {
            Path execDir = Files.createDirectories(task.bundle.resolve("exec"));
            out = Files.createTempFile(execDir, "out", ".log");
            pidFile = execDir.resolve(out.getFileName() + ".pid");
        } catch (IOException e) {
            throw new RuntimeFailure("exec: " + e.getMessage(), true, e);
        }
        List<String> argv = new ArrayList<>(List.of(runcPath.orElseThrow().toString(), "--root", stateRoot.toString(),
                "exec", "--pid-file", pidFile.toString(), task.containerId));
        argv.addAll(command);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            boolean timedOut = !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (timedOut) {
                readPid(pidFile).ifPresent(RuncRuntime::killPid);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            int code = timedOut || p.isAlive() ? -1 : p.exitValue();
            return new ExecResult(code, head(out), timedOut);
        } catch (IOException e) {
            throw new RuntimeFailure("exec failed to start: " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("exec interrupted", true, e);
        } finally {
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                log.debug("could not clean exec files of {}", taskId);
            }
        }
    }

    @Override
    public boolean supportsInteractiveExec() {
        return true;
    }

    /** {@code runc exec} with pipes, or under a terminal (see {@link RuncExec} for how resizing works). */
    @Override
    public io.orch.runtime.InteractiveExec startExec(String taskId, io.orch.runtime.ExecSpec spec) throws RuntimeFailure {
        RuncTask task = tasks.running(taskId);
        String user = spec.user().isEmpty() ? null : UserSpec.resolve(spec.user(), task.bundle.resolve("rootfs")).asRuncUser();
        return RuncExec.start(List.of(runc().binary().toString(), "--root", stateRoot.toString()), task.bundle.resolve("exec"),
                task.containerId, spec, user);
    }

    /** {@code runc kill}: the signal goes to the container's init process, as {@code docker kill} does. */
    @Override
    public void signal(String taskId, Signal signal) throws RuntimeFailure {
        RuncTask task = tasks.running(taskId);
        try {
            RuncBinary.Result r = runc().run("kill", task.containerId, signal.name());
            if (!r.ok()) {
                throw new RuntimeFailure("runc kill " + signal + " failed: " + r.output(), false);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("runc kill failed: " + e.getMessage(), true, e);
        }
    }

    @Override
    public List<Long> processIds(String taskId) {
        RuncTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return List.of();
        }
        return CgroupStats.dir(task.cgroupsPath).map(CgroupStats::processes).orElse(List.of());
    }

    @Override
    public Optional<io.orch.runtime.ContainerStats> containerStats(String taskId) {
        RuncTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return Optional.empty();
        }
        String relative = task.cgroupsPath.substring(1);
        return switch (Cgroups.mode()) {
            case V2 -> Optional.of(CgroupStats.read(Cgroups.ROOT.resolve(relative), task.pid));
            case V1 -> Optional.of(CgroupStats.readV1(Cgroups.ROOT, relative, task.pid));
            case NONE -> Optional.empty();
        };
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void killPid(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static String head(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length <= MAX_EXEC_OUTPUT) {
            return new String(all, StandardCharsets.UTF_8);
        }
        return new String(all, 0, MAX_EXEC_OUTPUT, StandardCharsets.UTF_8) + "\n[output truncated at " + MAX_EXEC_OUTPUT + " bytes]";
    }

    private static String lastLines(Path file, int n) {
        try {
            // the lines' contents, without the stamper's time and stream
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> new String(LogRecord.parse(l.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).content(),
                            StandardCharsets.UTF_8).trim())
                    .toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size())).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Re-attaches to a container started by an earlier agent ({@link RuncRecovery}).
     */
    @Override
    public boolean recover(TaskHandle handle) {
        if (!NAME.equals(handle.runtime()) || unavailableReason().isPresent()) {
            return false;
        }
        return recovery.recover(handle);
    }

    /** Stops supervising. Containers keep running on purpose: the next agent re-attaches to them. */
    @Override
    public void close() {
        closed = true;
        recovery.close();
        exits.close();
        startWatch.close();
    }

    /**
     * Waits for the task's exit, unless this runtime is closed: then no one learns of it any more
     * (the exit watch has stopped) and waiting would only run out the clock.
     */
    private boolean awaitExit(RuncTask task, Duration timeout) {
        return !closed && TaskTable.awaitExit(task, timeout);
    }
}
