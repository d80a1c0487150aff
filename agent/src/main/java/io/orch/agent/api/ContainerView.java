package io.orch.agent.api;

import io.orch.api.model.Times;
import io.orch.api.model.TaskStates;
import io.orch.agent.worker.LocalTask;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.runtime.ContainerIds;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task as a Docker container: the facts {@code docker ps} and {@code docker inspect} show,
 * derived from the task (its spec and last status) and, while it runs, its runtime handle.
 */
record ContainerView(LocalTask local, String nodeId) {

    Task task() {
        return local.task();
    }

    /** 64 hex characters: the one the task status reports as ContainerStatus.ContainerID. */
    String id() {
        String reported = task().getStatus().getContainerStatus().getContainerId();
        return ContainerIds.isDockerShaped(reported) ? reported : NodeContainers.idOf(local);
    }

    /** Docker's swarm container name: {@code SERVICE.SLOT.TASKID} ({@code SERVICE.NODEID.TASKID} for global tasks). */
    String name() {
        Task t = task();
        String slot = t.getSlot() > 0 ? Long.toString(t.getSlot()) : t.getNodeId();
        return local.serviceName() + "." + slot + "." + t.getId();
    }

    /** Whether the container runs now: the runtime still supervises it and the task has not finished. */
    boolean running() {
        return local.handle().isPresent() && !TaskStates.finished(task());
    }

    /** Docker's State.Status: "running", "created" or "exited". */
    String state() {
        if (running()) {
            return "running";
        }
        TaskState s = task().getStatus().getState();
        return TaskStates.finished(s) || local.handle().isEmpty() ? "exited" : "created";
    }

    long pid() {
        return running() ? local.handle().map(h -> h.pid()).orElse(0L) : 0;
    }

    /** The exit code the task reported (0 while it runs, as Docker). */
    long exitCode() {
        var cs = task().getStatus().getContainerStatus();
        return !running() && cs.hasExitCode() ? cs.getExitCode() : 0;
    }

    Instant created() {
        return Times.instant(task().getCreatedAt());
    }

    Instant startedAt() {
        return local.handle().map(h -> Instant.ofEpochMilli(h.startTimeMillis())).orElse(created());
    }

    /** When it exited: the time of the task's final status; null while it runs. */
    Instant finishedAt() {
        return running() ? null : Times.instant(task().getStatus().getTimestamp());
    }

    String image() {
        return task().getSpec().getContainerSpec().getImage();
    }

    boolean tty() {
        return task().getSpec().getContainerSpec().getTty();
    }

    /** The labels Docker puts on a swarm task's container, over the spec's container labels. */
    Map<String, String> labels() {
        Map<String, String> out = new LinkedHashMap<>(task().getSpec().getContainerSpec().getLabelsMap());
        Task t = task();
        out.put("com.docker.swarm.node.id", t.getNodeId().isEmpty() ? nodeId : t.getNodeId());
        out.put("com.docker.swarm.service.id", t.getServiceId());
        out.put("com.docker.swarm.service.name", local.serviceName());
        out.put("com.docker.swarm.task", "");
        out.put("com.docker.swarm.task.id", t.getId());
        out.put("com.docker.swarm.task.name", name());
        return out;
    }

    /** "Up 5 minutes (healthy)", "Exited (137) 2 seconds ago", "Created", as {@code docker ps} shows. */
    String status(Instant now) {
        return switch (state()) {
            case "running" -> "Up " + HumanDuration.of(startedAt(), now) + health();
            case "created" -> "Created";
            default -> "Exited (" + exitCode() + ") " + HumanDuration.of(finishedAt(), now) + " ago";
        };
    }

    private String health() {
        return switch (task().getStatus().getHealth()) {
            case STARTING -> " (health: starting)";
            case HEALTHY -> " (healthy)";
            case UNHEALTHY -> " (unhealthy)";
            default -> "";
        };
    }
}
