package io.orch.runtime.docker;

import io.orch.api.concurrent.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
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
import io.orch.runtime.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as Docker containers through the Engine API on a unix socket (the daemon's default
 * {@code /var/run/docker.sock}, or {@code DOCKER_HOST=unix://...}). Images come from Docker, or
 * from the node's image store (loaded into Docker on first use), or are pulled. A container per
 * task, named {@code orch-TASKID} and labelled {@code orch.task.id}/{@code orch.service.id}; its
 * output is copied into the task's stdout.log/stderr.log like the other runtimes'. Containers keep
 * running when the agent stops; {@link #recover} re-attaches by container id.
 */
public final class DockerRuntime extends TableBackedRuntime<DockerTask> {
    public static final String NAME = "docker";
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
    public static final RuntimeCapabilities CAPABILITIES = new RuntimeCapabilities(true, true, true, true,
            false, false, false, false);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** After the container ended, how long its last output may take to reach the log files. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(5);
    private static final Duration WAIT_RETRY = Duration.ofSeconds(1);
    private static final int MAX_EXEC_OUTPUT = 64 * 1024;

    private final DockerEngine engine;
    private final DockerImages images;
    /** Blocking waits and log streams: one of each per running task. */
    private final ExecutorService blocking = Executors.newCachedThreadPool(DaemonThreads.factory("orch-docker-task"));
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-docker-retry"));
    private volatile boolean closed;

    /**
     * @param socket the Docker daemon's unix socket
     * @param store  the node's image store, used when Docker lacks a task's image; null for none
     */
    public DockerRuntime(Path socket, ImageStore store) {
        super(NAME, CAPABILITIES);
        this.engine = new DockerEngine(socket);
        this.images = new DockerImages(engine, Optional.ofNullable(store));
    }

    /** The socket {@code DOCKER_HOST} names (unix:// only), else the default one. */
    public static Path socketFrom(Map<String, String> environment) {
        String host = environment.getOrDefault("DOCKER_HOST", "");
        return host.startsWith("unix://") ? Path.of(host.substring("unix://".length())) : DEFAULT_SOCKET;
    }

    @Override
    public Fingerprint fingerprint() {
        Path socket = engine.socket();
        if (!Files.exists(socket)) {
            return Fingerprint.unavailable("no Docker socket at " + socket);
        }
        if (!engine.ping(PING_TIMEOUT)) {
            return Fingerprint.unavailable("Docker at " + socket + " does not answer /_ping");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("docker.socket", socket.toString());
        try {
            JsonNode v = engine.version();
            attrs.put("docker.version", v.path("Version").asText("?"));
            attrs.put("docker.api", v.path("ApiVersion").asText("?"));
        } catch (IOException e) {
            return Fingerprint.unavailable("Docker at " + socket + " answers /_ping but not /version: " + e.getMessage());
        }
        return Fingerprint.available(attrs);
    }

    @Override
    public Optional<HealthSpec> imageHealthcheck(String image) {
        return images.healthcheck(image);
    }

    static String containerName(String taskId) {
        return "orch-" + taskId;
    }

    @Override
    public TaskHandle start(TaskConfig config) throws RuntimeFailure {
        if (config.container().tty()) {
            // its log copying reads Docker's multiplexed stream, which a TTY container does not have
            throw new RuntimeFailure("docker runtime cannot give a task a terminal (TTY) yet: use the runc runtime", false);
        }
        DockerTask previous = tasks.get(config.taskId());
        if (previous != null && previous.running()) {
            throw new RuntimeFailure("task " + config.taskId() + " is already running as container " + previous.containerId, false);
        }
        Path taskDir = config.taskDir().toAbsolutePath();
        LogFiles logs = LogFiles.in(taskDir);
        try {
            Files.createDirectories(taskDir);
            for (Path f : List.of(logs.stdout(), logs.stderr())) {
                if (!Files.exists(f)) {
                    Files.createFile(f);
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("preparing task dir " + taskDir + " failed: " + e.getMessage(), true, e);
        }
        String imageId = images.ensure(config.image(), taskDir);
        String name = containerName(config.taskId());
        String id;
        try {
            removeLeftover(name, config.taskId());
            id = engine.createContainer(name, ContainerConfigs.create(config));
        } catch (DockerEngine.ApiException e) {
            throw new RuntimeFailure("creating container " + name + " failed: " + e.getMessage(), e.status >= 500, e);
        } catch (IOException e) {
            throw new RuntimeFailure("creating container " + name + " failed: " + e.getMessage(), true, e);
        }
        JsonNode inspected;
        try {
            engine.startContainer(id);
            inspected = engine.inspectContainer(id).orElseThrow(() -> new IOException("container vanished after start"));
        } catch (IOException e) {
            removeQuietly(id);
            // The engine's message says why (no such executable, bad user...); trying again will not help.
            throw new RuntimeFailure("container " + name + " did not start: " + e.getMessage(),
                    !(e instanceof DockerEngine.ApiException), e);
        }
        DockerTask task = new DockerTask(config.taskId(), id, taskDir, imageId, inspected.path("State").path("Pid").asLong(),
                startedAtMillis(inspected.path("State")), ContainerNetwork.address(inspected), ContainerNetwork.ports(inspected));
        tasks.put(config.taskId(), task);
        supervise(task, "0");
        log.info("task {} started as docker container {} (pid {}, image {})", config.taskId(), shortId(id), task.pid,
                shortId(imageId));
        return task.handle();
    }

    /** A container of the same name from an earlier attempt at the same task would make create fail. */
    private void removeLeftover(String name, String taskId) throws IOException {
        Optional<JsonNode> old = engine.inspectContainer(name);
        if (old.isEmpty()) {
            return;
        }
        String owner = old.get().path("Config").path("Labels").path(ContainerConfigs.LABEL_TASK).asText("");
        if (!owner.equals(taskId)) {
            throw new DockerEngine.ApiException(409, "a container named " + name + " exists and is not this task's");
        }
        engine.removeContainer(old.get().path("Id").asText());
    }

    /** Copies the container's output into the task's log files and waits for it to end. */
    private void supervise(DockerTask task, String logsSince) {
        task.logs = LogPump.start(engine, task.containerId, task.logFiles(), logsSince, blocking);
        blocking.execute(() -> awaitExit(task));
    }

    private void awaitExit(DockerTask task) {
        if (closed || !task.running()) {
            return;
        }
        try {
            int code = engine.waitContainer(task.containerId);
            collect(task, code);
        } catch (IOException e) {
            if (closed) {
                return;
            }
            try {
                if (engine.inspectContainer(task.containerId).isEmpty()) {
                    finish(task, new ExitResult(-1, 0, false, "container " + shortId(task.containerId) + " was removed"));
                    return;
                }
            } catch (IOException unreachable) {
                // Docker restarting or gone for a moment: keep trying
            }
            log.debug("waiting for container {} failed ({}); retrying", shortId(task.containerId), e.toString());
            retries.schedule(() -> blocking.execute(() -> awaitExit(task)), WAIT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The container ended: its exit code, whether the OOM killer ended it, then its last output. */
    private void collect(DockerTask task, int waitedCode) {
        int exit = waitedCode;
        boolean oom = false;
        try {
            Optional<JsonNode> c = engine.inspectContainer(task.containerId);
            if (c.isPresent()) {
                exit = c.get().path("State").path("ExitCode").asInt(waitedCode);
                oom = c.get().path("State").path("OOMKilled").asBoolean(false);
            }
        } catch (IOException e) {
            log.debug("inspecting ended container {} failed: {}", shortId(task.containerId), e.toString());
        }
        int signal = exit > 128 && exit < 128 + 65 ? exit - 128 : 0;
        String message = oom ? "OOM killed (exit " + exit + ")" : signal > 0 ? "killed by signal " + signal : "exited with " + exit;
        finish(task, new ExitResult(exit, signal, oom, message));
    }

    private void finish(DockerTask task, ExitResult result) {
        LogPump pump = task.logs;
        if (pump != null && !pump.awaitDone(LOG_DRAIN)) {
            pump.cancel();
        }
        if (task.exit.complete(result)) {
            log.info("task {} (docker container {}) {}", task.taskId, shortId(task.containerId), result.message());
        }
    }

    /**
     * Docker's stop: SIGTERM (Docker's {@code /stop}) or the given signal, {@code grace}, then
     * SIGKILL; returns once the container has ended (or after a last bounded wait).
     */
    @Override
    protected void stop(DockerTask task, StopRequest request) {
        String taskId = task.taskId;
        log.info("stopping task {} (docker container {}): SIG{}, grace {}", taskId, shortId(task.containerId),
                request.first().name(), request.grace());
        try {
            if (request.first().equals(Signal.TERM)) {
                engine.stopContainer(task.containerId, (request.grace().toMillis() + 999) / 1000);
            } else {
                engine.killContainer(task.containerId, request.first().name());
                if (!TaskTable.awaitExit(task, request.firstWait(KILL_WAIT))) {
                    engine.killContainer(task.containerId, "KILL");
                }
            }
        } catch (DockerEngine.ApiException e) {
            log.debug("stopping container {}: {}", shortId(task.containerId), e.getMessage()); // e.g. not running any more
        } catch (IOException e) {
            log.warn("stopping container {} failed: {}", shortId(task.containerId), e.toString());
        }
        TaskTable.awaitExit(task, KILL_WAIT);
    }


    @Override
    public void destroy(String taskId) {
        DockerTask task = tasks.get(taskId);
        if (task == null) {
            return;
        }
        removeQuietly(task.containerId); // force: kills it first if it still runs
        TaskTable.awaitExit(task, KILL_WAIT);
        LogPump pump = task.logs;
        if (pump != null) {
            pump.cancel();
        }
        tasks.remove(taskId, task);
        log.debug("task {} destroyed", taskId);
    }

    private void removeQuietly(String containerId) {
        try {
            engine.removeContainer(containerId);
        } catch (IOException e) {
            log.warn("removing container {} failed: {}", shortId(containerId), e.toString());
        }
    }

    @Override
    public ResourceUsage stats(String taskId) {
        DockerTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return ResourceUsage.UNKNOWN;
        }
        try {
            JsonNode s = engine.stats(task.containerId);
            return new ResourceUsage(s.path("cpu_stats").path("cpu_usage").path("total_usage").asLong(-1),
                    s.path("memory_stats").path("usage").asLong(-1), s.path("pids_stats").path("current").asLong(-1));
        } catch (IOException e) {
            return ResourceUsage.UNKNOWN;
        }
    }

    @Override
    protected LogFiles logFiles(DockerTask task) {
        return task.logFiles();
    }

    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        DockerTask task = execTarget(taskId, command);
        return DockerExec.run(engine, task.containerId, command, timeout, MAX_EXEC_OUTPUT);
    }

    /**
     * Re-attaches to the container an earlier agent started, by id, without restarting it: its
     * output is copied again from where the log files end, and its end is awaited. A container
     * that ended while no agent ran is re-attached too and completes at once with its real exit
     * code (Docker keeps it). Returns false when the container is gone.
     */
    @Override
    public boolean recover(TaskHandle handle) {
        if (!NAME.equals(handle.runtime()) || handle.containerId() == null || handle.containerId().isBlank()) {
            return false;
        }
        DockerTask known = tasks.get(handle.taskId());
        if (known != null) {
            return known.running();
        }
        Optional<JsonNode> container;
        try {
            container = engine.inspectContainer(handle.containerId());
        } catch (IOException e) {
            log.info("task {} not recovered: Docker did not answer: {}", handle.taskId(), e.getMessage());
            return false;
        }
        if (container.isEmpty()) {
            log.info("task {} not recovered: container {} is gone", handle.taskId(), shortId(handle.containerId()));
            return false;
        }
        Path taskDir = Path.of(handle.driverState().getOrDefault(DockerTask.STATE_TASK_DIR, "/nonexistent"));
        DockerTask task = new DockerTask(handle.taskId(), container.get().path("Id").asText(handle.containerId()), taskDir,
                handle.driverState().getOrDefault(DockerTask.STATE_IMAGE, ""), handle.pid(), handle.startTimeMillis(),
                ContainerNetwork.address(container.get()), ContainerNetwork.ports(container.get()));
        tasks.put(handle.taskId(), task);
        supervise(task, logsSince(task.logFiles()));
        log.info("task {} re-attached to docker container {} ({})", handle.taskId(), shortId(task.containerId),
                container.get().path("State").path("Status").asText("?"));
        return true;
    }

    /**
     * Docker's {@code since} for output not yet copied: just after the last line copied (see
     * {@link LogPump#sinceCursor}); without that record (files from an older agent), the last time
     * a log file was written, where lines written in that same instant may appear twice.
     */
    static String logsSince(LogFiles files) {
        java.util.Optional<String> cursor = LogPump.sinceCursor(files);
        if (cursor.isPresent()) {
            return cursor.get();
        }
        Instant last = Instant.EPOCH;
        for (Path f : List.of(files.stdout(), files.stderr())) {
            try {
                if (Files.exists(f) && Files.size(f) > 0) {
                    FileTime t = Files.getLastModifiedTime(f);
                    last = t.toInstant().isAfter(last) ? t.toInstant() : last;
                }
            } catch (IOException e) {
                // unreadable: copy from the start rather than lose output
            }
        }
        return last.equals(Instant.EPOCH) ? "0" : last.getEpochSecond() + "." + String.format("%09d", last.getNano());
    }

    private static long startedAtMillis(JsonNode state) {
        try {
            return Instant.parse(state.path("StartedAt").asText()).toEpochMilli();
        } catch (RuntimeException e) {
            return System.currentTimeMillis();
        }
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** Stops supervising. Containers keep running on purpose: the next agent re-attaches to them. */
    @Override
    public void close() {
        closed = true;
        tasks.all().forEach(t -> {
            LogPump pump = t.logs;
            if (pump != null) {
                pump.cancel();
            }
        });
        retries.shutdownNow();
        blocking.shutdownNow();
        engine.close();
    }
}
