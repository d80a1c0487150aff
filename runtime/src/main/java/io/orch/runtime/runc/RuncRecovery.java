package io.orch.runtime.runc;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.TaskTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link RuncRuntime} takes back containers an earlier agent started: from the persisted
 * handle and what runc and the shim's files say, and then, not being the shim's parent, by
 * polling until the container ends. One thread polls every re-attached container.
 */
final class RuncRecovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuncRecovery.class);
    private static final long POLL_MILLIS = 200;

    private final Supplier<RuncBinary> runc;
    private final TaskTable<RuncTask> tasks;
    private final RuncNetworking networking;
    private final Consumer<RuncTask> collect;
    private final BiConsumer<String, Path> destroyContainer;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-runc-reattached"));

    /**
     * @param collect          records a container's end once its shim is gone
     * @param destroyContainer removes a container (by id, with its bundle's rootfs) that is not re-attached
     */
    RuncRecovery(Supplier<RuncBinary> runc, TaskTable<RuncTask> tasks, RuncNetworking networking,
                 Consumer<RuncTask> collect, BiConsumer<String, Path> destroyContainer) {
        this.runc = runc;
        this.tasks = tasks;
        this.networking = networking;
        this.collect = collect;
        this.destroyContainer = destroyContainer;
    }

    /**
     * Re-attaches to a container started by an earlier agent. While its shim runs, the shim is
     * watched (by polling: it is not our child) and its recorded exit code collected when it ends.
     * A container that ended while no agent ran but whose shim recorded the exit is re-attached
     * too, and completes at once with the real exit code (and OOM). When the shim itself was
     * killed while the container runs on, the exit code cannot be known (-1); OOM still can.
     */
    boolean recover(TaskHandle handle) {
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
            destroyContainer.accept(id, bundle);
            networking.release(handle.taskId(), net);
            return false;
        }
        long shimPid = Long.parseLong(s.getOrDefault(RuncTask.STATE_SHIM_PID, "-1"));
        long shimTicks = Long.parseLong(s.getOrDefault(RuncTask.STATE_SHIM_START, "-1"));
        if (state.equals("running")) {
            net = RuncNetworking.keepPublishing(handle.taskId(), bundle, net);
        }
        networking.recallDnsNameservers(handle.taskId(), bundle);
        RuncTask task = new RuncTask(handle.taskId(), id, bundle, handle.pid(), shimPid, shimTicks,
                handle.startTimeMillis(), s.getOrDefault(RuncTask.STATE_CGROUP, Cgroups.pathFor(id)),
                s.getOrDefault(RuncTask.STATE_IMAGE, ""), net);
        tasks.put(handle.taskId(), task);
        poll(task);
        log.info("task {} re-attached to container {} ({})", handle.taskId(), id, state);
        return true;
    }

    /**
     * Follows a container whose shim was killed before it recorded the exit: by {@code runc
     * state}, until the container has stopped (its exit code is then unknown).
     */
    void follow(RuncTask task) {
        poll(task);
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
            collect.accept(task);
            return;
        }
        // The shim is gone without a record: watch the container itself.
        String status = containerStatus(task.containerId);
        if (status.equals("running") || status.equals("created") || status.equals("paused") || status.equals(UNKNOWN)) {
            poller.schedule(() -> poll(task), POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            collect.accept(task);
        }
    }

    /**
     * "running", "created", "stopped", "paused" or "missing", from {@code runc state}; {@link #UNKNOWN}
     * when runc could not be run or answered nothing readable, which proves nothing either way.
     */
    private String containerStatus(String id) {
        try {
            RuncBinary.Result r = runc.get().run("state", id);
            if (!r.ok()) {
                return r.output().contains("does not exist") || r.output().contains("not exist") ? "missing" : UNKNOWN;
            }
            return OciSpec.JSON.readTree(r.output()).path("status").asText(UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static final String UNKNOWN = "unknown";

    /** Stops polling; the containers run on for the next agent. */
    @Override
    public void close() {
        poller.shutdownNow();
    }
}
