package io.orch.runtime.runc;

import io.orch.runtime.ContainerOptions;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
public final class RuncRuntime implements ContainerRuntime {
    public static final String NAME = "runc";
    private static final Logger log = LoggerFactory.getLogger(RuncRuntime.class);
    public static final RuntimeCapabilities CAPABILITIES = new RuntimeCapabilities(true, true, true, true,
            true, true, true, true);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 200;
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
    private final NodeNetwork network;
    private volatile OverlayAttacher overlays = OverlayAttacher.UNAVAILABLE;
    private final TaskTable<RuncTask> tasks = new TaskTable<>();
    private static final String DNS_NAMESERVERS_FILE = "dns-nameservers";
    private final ConcurrentHashMap<String, List<String>> dnsNameservers = new ConcurrentHashMap<>();
    /** Ids of the tasks being started now. */
    private final Set<String> starting = ConcurrentHashMap.newKeySet();
    private final Semaphore startSlots = new Semaphore(PARALLEL_STARTS);
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orch-runc-reattached");
        t.setDaemon(true);
        return t;
    });

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
        this.runcPath = runcPath;
        this.stateRoot = dataDir.resolve("runc").toAbsolutePath();
        this.volumesDir = dataDir.resolve("volumes").toAbsolutePath();
        this.images = images;
        this.network = new NodeNetwork(network, dataDir.resolve("net"));
    }

    /** See {@link LeftoverSweep}: tasks this runtime supervises or is starting count as known too. */
    @Override
    public List<String> sweepLeftovers(Set<String> knownTaskIds, Path tasksDir) {
        if (unavailableReason().isPresent()) {
            return List.of();
        }
        return new LeftoverSweep(runc(), network, tasksDir,
                id -> knownTaskIds.contains(id) || tasks.contains(id) || starting.contains(id)).run();
    }

    /** Who joins containers to overlay networks on this node (the agent); without one such tasks fail. */
    public void useOverlays(OverlayAttacher attacher) {
        this.overlays = attacher;
        attacher.useNodeNetwork(network);
    }

    /**
     * The DNSConfig.Nameservers of a task on overlay networks: its embedded-DNS queries that are
     * not orch's go there, as in Docker. Kept in the bundle too, for an agent that re-attaches.
     */
    public List<String> dnsNameserversOf(String taskId) {
        return dnsNameservers.getOrDefault(taskId, List.of());
    }

    private void rememberDnsNameservers(String taskId, Path bundle, List<String> nameservers) throws IOException {
        Path file = bundle.resolve(DNS_NAMESERVERS_FILE);
        if (nameservers.isEmpty()) {
            Files.deleteIfExists(file);
            dnsNameservers.remove(taskId);
            return;
        }
        Files.write(file, nameservers);
        dnsNameservers.put(taskId, List.copyOf(nameservers));
    }

    private void recallDnsNameservers(String taskId, Path bundle) {
        try {
            Path file = bundle.resolve(DNS_NAMESERVERS_FILE);
            if (Files.isRegularFile(file)) {
                dnsNameservers.put(taskId, List.copyOf(Files.readAllLines(file)));
            }
        } catch (IOException e) {
            log.warn("task {}: could not read its DNS nameservers: {}", taskId, e.toString());
        }
    }

    /** The task's address on the node bridge ("10.212.3.2/24"), while it has one: how the node recognises its containers' requests. */
    public Optional<String> bridgeAddressOf(String taskId) {
        try {
            return network.addressOf(taskId);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuntimeCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Fingerprint fingerprint() {
        Optional<String> problem = unavailableReason();
        if (problem.isPresent()) {
            return Fingerprint.unavailable(problem.get());
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("runc.path", runcPath.orElseThrow().toString());
        try {
            RuncBinary.Result v = RuncBinary.exec(List.of(runcPath.get().toString(), "--version"), 10);
            attrs.put("runc.version", v.output().lines().findFirst().orElse("?").replace("runc version ", ""));
        } catch (IOException e) {
            return Fingerprint.unavailable("runc --version failed: " + e.getMessage());
        }
        attrs.put("cgroup.mode", Cgroups.mode().name().toLowerCase());
        attrs.put("network", NodeNetwork.unavailableReason().isEmpty() ? "bridge " + network.config().bridge() : "host");
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
        try {
            return startContainer(config);
        } finally {
            startSlots.release();
            starting.remove(config.taskId());
        }
    }

    private TaskHandle startContainer(TaskConfig config) throws RuntimeFailure {
        RuncTask previous = tasks.get(config.taskId());
        if (previous != null && previous.running()) {
            throw new RuntimeFailure("task " + config.taskId() + " is already running as pid " + previous.pid, false);
        }
        Image image = findImage(config.image());
        checkNetwork(config.network());
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
            String hostname = config.hostname() == null || config.hostname().isBlank() ? id.substring(5, Math.min(17, id.length()))
                    : config.hostname();
            if (config.network().mode() == TaskConfig.Network.Mode.BRIDGE) {
                bridged = Optional.of(network.attach(config.taskId()));
                if (!config.network().overlays().isEmpty()) {
                    rememberDnsNameservers(config.taskId(), bundle,
                            config.container().options().dns().map(ContainerOptions.Dns::nameservers).orElse(List.of()));
                    overlays.attach(config.taskId(), bridged.get(), config.network().overlays());
                }
            }
            var spec = OciSpec.build(config, image.config(), bundle.resolve("rootfs"), hostname, cgroupsPath, volumesDir,
                    bridged);
            Files.write(bundle.resolve("config.json"), OciSpec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
            net = publish(config, bridged, bundle);
        } catch (IOException e) {
            abandon(config, bundle, net);
            throw new RuntimeFailure("preparing container " + id + " failed: " + e.getMessage(), true, e);
        } catch (RuntimeFailure e) {
            abandon(config, bundle, net);
            throw e;
        }
        LogFiles logs = LogFiles.in(bundle);
        Process shim;
        try {
            // LogDriver none: the container's output is discarded (and so are runc's own errors)
            LogFiles output = config.logs().kept() ? logs : DISCARDED;
            shim = Shim.launch(runc(), bundle, id, output.stdout(), output.stderr(), config.container().tty(), config.logs());
        } catch (IOException e) {
            abandon(config, bundle, net);
            throw new RuntimeFailure("could not launch runc: " + e.getMessage(), true, e);
        }
        long pid = awaitContainerPid(shim, bundle);
        if (pid <= 0) {
            String why = lastLines(logs.stderr(), 3);
            destroyContainer(id, bundle);
            abandon(config, bundle, net);
            throw new RuntimeFailure("container " + id + " did not start: " + (why.isEmpty() ? "runc exited" : why), false);
        }
        long shimTicks = Shim.startTicks(shim.pid()).orElse(-1L);
        RuncTask task = new RuncTask(config.taskId(), id, bundle, pid, shim.pid(), shimTicks, System.currentTimeMillis(),
                cgroupsPath, image.id().toString(), net);
        tasks.put(config.taskId(), task);
        shim.onExit().thenRun(() -> collect(task));
        log.info("task {} started as container {} (pid {}, image {}{}{})", config.taskId(), id, pid, image.id().shortId(),
                net.address().map(a -> ", address " + a).orElse(""), net.ports().isEmpty() ? "" : ", ports " + net.ports());
        return task.handle();
    }

    private static void checkNetwork(TaskConfig.Network n) throws RuntimeFailure {
        if (n.mode() == TaskConfig.Network.Mode.NONE && !n.ports().isEmpty()) {
            throw new RuntimeFailure("published ports " + n.ports() + " need a network: the task's network mode is none",
                    false);
        }
        if (n.mode() == TaskConfig.Network.Mode.BRIDGE) {
            Optional<String> why = NodeNetwork.unavailableReason();
            if (why.isPresent()) {
                throw new RuntimeFailure("bridge networking unavailable: " + why.get(), false);
            }
        }
    }

    /**
     * Starts the proxy of the task's published ports before the container, so a taken port
     * fails the task with nothing started. Host networking publishes nothing: the task binds
     * the host's ports itself.
     */
    private RuncTask.Net publish(TaskConfig config, Optional<Attachment> bridged, Path bundle)
            throws IOException, RuntimeFailure {
        if (bridged.isEmpty()) {
            return RuncTask.Net.HOST;
        }
        Attachment a = bridged.get();
        List<TaskConfig.PublishedPort> ports = config.network().ports();
        if (ports.isEmpty()) {
            return new RuncTask.Net(Optional.of(a.cidr()), List.of(), -1, -1);
        }
        Files.deleteIfExists(bundle.resolve(Shim.EXIT_FILE)); // the proxy ends when this file appears
        try {
            PortProxyProcess.Running proxy = PortProxyProcess.start(ports, a.ip(), bundle, bundle.resolve(Shim.EXIT_FILE));
            return new RuncTask.Net(Optional.of(a.cidr()), proxy.ports(), proxy.pid(), proxy.startMillis());
        } catch (PortProxyProcess.PortUnavailable e) {
            throw new RuntimeFailure("cannot publish port: " + e.getMessage() + " on this node", false, e);
        }
    }

    /** Undoes a start that failed part way: the proxy, the network namespace and address, the rootfs. */
    private void abandon(TaskConfig config, Path bundle, RuncTask.Net net) {
        stopProxy(net);
        dnsNameservers.remove(config.taskId());
        if (config.network().mode() == TaskConfig.Network.Mode.BRIDGE) {
            detachNetwork(config.taskId());
        }
        releaseQuietly(bundle);
    }

    /** The namespace goes, with every interface in it (the overlay ones too). */
    private void detachNetwork(String taskId) {
        network.detach(taskId);
        overlays.detached(taskId);
    }

    private static void stopProxy(RuncTask.Net net) {
        if (net.proxyPid() > 0) {
            PortProxyProcess.stop(net.proxyPid(), net.proxyStartMillis());
        }
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

    /** Waits until runc has created the container (its pid file) or the shim gave up. */
    private static long awaitContainerPid(Process shim, Path bundle) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = Shim.containerPid(bundle);
                if (pid.isPresent()) {
                    return pid.get();
                }
                if (shim.waitFor(3, TimeUnit.MILLISECONDS)) {
                    return Shim.containerPid(bundle).orElse(-1L);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
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
    public CompletableFuture<ExitResult> waitFor(String taskId) {
        return tasks.waitFor(taskId);
    }

    @Override
    public void stop(String taskId, Duration grace, Signal signal) {
        RuncTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return;
        }
        String first = (signal == null ? Signal.TERM : signal).name();
        log.info("stopping task {} (container {}): SIG{}, grace {}", taskId, task.containerId, first, grace);
        kill(task, first, false);
        if (!TaskTable.awaitExit(task, first.equals("KILL") ? KILL_WAIT : grace == null ? TaskConfig.defaultStopGrace() : grace)) {
            log.info("task {} still running after grace: SIGKILL", taskId);
            kill(task, "KILL", true);
            TaskTable.awaitExit(task, KILL_WAIT);
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
        destroyContainer(task.containerId, task.bundle);
        stopProxy(task.net);
        if (task.net.address().isPresent()) {
            detachNetwork(taskId);
        }
        tasks.remove(taskId, task);
        dnsNameservers.remove(taskId);
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
    public Optional<TaskHandle> inspect(String taskId) {
        return tasks.inspect(taskId);
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
    public LogFiles logs(String taskId) {
        RuncTask task = tasks.known(taskId);
        return LogFiles.in(task.bundle);
    }

    /**
     * Runs {@code command} in the container (its env, user and cwd) with {@code runc exec}. The
     * output goes to a file (not a pipe a stray background child could hold open); on timeout the
     * exec'd process is killed through the pid runc reports.
     */
    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        RuncTask task = tasks.running(taskId);
        if (command.isEmpty()) {
            throw new RuntimeFailure("empty exec command", false);
        }
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
     * Re-attaches to a container started by an earlier agent. While its shim runs, the shim is
     * watched (by polling: it is not our child) and its recorded exit code collected when it ends.
     * A container that ended while no agent ran but whose shim recorded the exit is re-attached
     * too, and completes at once with the real exit code (and OOM). When the shim itself was
     * killed while the container runs on, the exit code cannot be known (-1); OOM still can.
     */
    @Override
    public boolean recover(TaskHandle handle) {
        if (!NAME.equals(handle.runtime()) || unavailableReason().isPresent()) {
            return false;
        }
        RuncTask known = tasks.get(handle.taskId());
        if (known != null) {
            return known.running();
        }
        Map<String, String> s = handle.driverState();
        Path bundle = Path.of(s.getOrDefault(RuncTask.STATE_BUNDLE, "/nonexistent"));
        String id = handle.containerId();
        String state = containerStatus(id);
        boolean exitRecorded = Shim.exitCode(bundle).isPresent();
        RuncTask.Net net = RuncTask.Net.from(s);
        if (state.equals(UNKNOWN)) {
            // runc could not be asked (out of fds, say): that proves nothing; poll until it can be
            log.warn("task {}: the state of container {} cannot be read now; re-attached, to be checked again", handle.taskId(), id);
        } else if (state.equals("missing") || (!state.equals("running") && !exitRecorded && !state.equals("created"))) {
            log.info("task {} not recovered: container {} is {} and no exit code was recorded", handle.taskId(), id, state);
            // its handle goes with this answer: free all it held now, or nothing ever would
            destroyContainer(id, bundle);
            stopProxy(net);
            if (net.address().isPresent()) {
                detachNetwork(handle.taskId());
            }
            return false;
        }
        long shimPid = Long.parseLong(s.getOrDefault(RuncTask.STATE_SHIM_PID, "-1"));
        long shimTicks = Long.parseLong(s.getOrDefault(RuncTask.STATE_SHIM_START, "-1"));
        if (state.equals("running")) {
            net = keepPublishing(handle.taskId(), bundle, net);
        }
        recallDnsNameservers(handle.taskId(), bundle);
        RuncTask task = new RuncTask(handle.taskId(), id, bundle, handle.pid(), shimPid, shimTicks,
                handle.startTimeMillis(), s.getOrDefault(RuncTask.STATE_CGROUP, Cgroups.pathFor(id)),
                s.getOrDefault(RuncTask.STATE_IMAGE, ""), net);
        tasks.put(handle.taskId(), task);
        poll(task);
        log.info("task {} re-attached to container {} ({})", handle.taskId(), id, state);
        return true;
    }

    /**
     * A running container whose port proxy is gone (killed, or the machine's OOM killer took it)
     * gets a new one on the same host ports, so re-attaching also restores publishing.
     */
    private static RuncTask.Net keepPublishing(String taskId, Path bundle, RuncTask.Net net) {
        if (net.ports().isEmpty() || net.address().isEmpty() || PortProxyProcess.alive(net.proxyPid(), net.proxyStartMillis())) {
            return net;
        }
        try {
            String ip = net.address().get().split("/")[0];
            PortProxyProcess.Running proxy = PortProxyProcess.start(net.ports(), ip, bundle, bundle.resolve(Shim.EXIT_FILE));
            log.info("task {}: port proxy restarted for {}", taskId, proxy.ports());
            return new RuncTask.Net(net.address(), proxy.ports(), proxy.pid(), proxy.startMillis());
        } catch (IOException e) {
            log.warn("task {}: its published ports {} could not be restored: {}", taskId, net.ports(), e.getMessage());
            return net;
        }
    }

    private void poll(RuncTask task) {
        if (!task.running()) {
            return;
        }
        boolean shimAlive = task.shimPid > 0 && Shim.startTicks(task.shimPid).filter(t -> t == task.shimStartTicks).isPresent();
        if (shimAlive) {
            poller.schedule(() -> poll(task), POLL_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        if (Shim.exitCode(task.bundle).isPresent()) {
            collect(task);
            return;
        }
        // The shim is gone without a record: watch the container itself.
        String status = containerStatus(task.containerId);
        if (status.equals("running") || status.equals("created") || status.equals("paused") || status.equals(UNKNOWN)) {
            poller.schedule(() -> poll(task), POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            collect(task);
        }
    }

    /**
     * "running", "created", "stopped", "paused" or "missing", from {@code runc state}; {@link #UNKNOWN}
     * when runc could not be run or answered nothing readable, which proves nothing either way.
     */
    private String containerStatus(String id) {
        try {
            RuncBinary.Result r = runc().run("state", id);
            if (!r.ok()) {
                return r.output().contains("does not exist") || r.output().contains("not exist") ? "missing" : UNKNOWN;
            }
            return OciSpec.JSON.readTree(r.output()).path("status").asText(UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static final String UNKNOWN = "unknown";

    /** Stops supervising. Containers keep running on purpose: the next agent re-attaches to them. */
    @Override
    public void close() {
        poller.shutdownNow();
    }
}
