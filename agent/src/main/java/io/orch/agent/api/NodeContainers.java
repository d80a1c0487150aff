package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.worker.LocalTask;
import io.orch.runtime.ContainerIds;
import io.orch.runtime.image.ImageStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * This node's tasks seen as Docker containers ({@code docker ps} on a node): the node-local facts
 * the containers and exec routes need, on managers and workers alike. A container is found by its
 * full id, a unique id prefix or its name, as Docker resolves one.
 *
 * @param tasks    the tasks this node's worker has (or had) containers for
 * @param tasksDir where the runtimes keep each task's files (logs)
 * @param images   the node's image store, or null when the node has none
 * @param execs    the node's exec sessions
 */
public record NodeContainers(String nodeId, Supplier<List<LocalTask>> tasks, Path tasksDir, ImageStore images,
                             Clock clock, ExecSessions execs) {
    public NodeContainers {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(execs, "execs");
    }

    public NodeContainers(String nodeId, Supplier<List<LocalTask>> tasks, Path tasksDir, ImageStore images, Clock clock) {
        this(nodeId, tasks, tasksDir, images, clock, new ExecSessions());
    }

    /** Every container of this node. */
    List<ContainerView> all() {
        List<ContainerView> out = new ArrayList<>();
        for (LocalTask t : tasks.get()) {
            out.add(new ContainerView(t, nodeId));
        }
        return out;
    }

    /** By full id, unique id prefix, or name (with or without the leading slash); 404 otherwise, as Docker. */
    ContainerView resolve(String ref) throws ApiException {
        List<ContainerView> all = all();
        String name = ref.startsWith("/") ? ref.substring(1) : ref;
        for (ContainerView c : all) {
            if (c.id().equals(ref) || c.name().equals(name)) {
                return c;
            }
        }
        if (!ref.isEmpty() && ref.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            List<ContainerView> matches = all.stream().filter(c -> c.id().startsWith(ref.toLowerCase())).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw ApiException.badRequest("multiple IDs found with provided prefix: " + ref);
            }
        }
        throw ApiException.notFound("No such container: " + ref);
    }

    /** The container of a task by its task id (exec sessions keep the task id). */
    static String idOf(LocalTask t) {
        return ContainerIds.of(t.task().getId(), t.handle().map(h -> h.containerId()).orElse(""));
    }

    static ApiException notRunning(ContainerView c) {
        return new ApiException(HttpResponseStatus.CONFLICT, "Container " + c.id() + " is not running");
    }
}
