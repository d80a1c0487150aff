package io.orch.runtime.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a {@link TaskConfig} into the body of {@code POST /containers/create}. Pure: no I/O.
 *
 * <p>Choices that keep the docker runtime interchangeable with runc: memory swap equal to the
 * memory limit (the limit is where OOM strikes), no restart
 * policy (the agent restarts tasks), and json-file logs capped small (the agent keeps the real
 * copy in the task's log files). The image's health check is not handed to Docker: the agent runs
 * health checks itself through {@code exec}.
 */
final class ContainerConfigs {
    static final String LABEL_TASK = "orch.task.id";
    static final String LABEL_SERVICE = "orch.service.id";
    /** What the agent's TaskConfigs puts in every task's labels (Docker Swarm's names). */
    static final String SWARM_SERVICE_LABEL = "com.docker.swarm.service.id";
    private static final String VOLUME_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]*";

    private ContainerConfigs() {}

    static ObjectNode create(TaskConfig config) throws RuntimeFailure {
        ObjectNode c = DockerEngine.JSON.createObjectNode();
        c.put("Image", config.image());
        TaskConfig.Container container = config.container();
        // Docker's rule: Command replaces the image's entrypoint (and with it the image's cmd), Args its cmd.
        if (!container.command().isEmpty()) {
            strings(c.putArray("Entrypoint"), container.command());
            strings(c.putArray("Cmd"), container.args());
        } else if (!container.args().isEmpty()) {
            strings(c.putArray("Cmd"), container.args());
        }
        ArrayNode env = c.putArray("Env");
        config.env().forEach((k, v) -> env.add(k + "=" + v));
        putIfSet(c, "User", config.user());
        if (config.workingDir() != null && !config.workingDir().isBlank()) {
            if (!config.workingDir().startsWith("/")) {
                throw new RuntimeFailure("working dir " + config.workingDir() + " is not an absolute path", false);
            }
            c.put("WorkingDir", config.workingDir());
        }
        putIfSet(c, "Hostname", config.hostname());
        c.put("AttachStdin", false).put("AttachStdout", false).put("AttachStderr", false).put("Tty", false)
                .put("OpenStdin", false);
        ObjectNode labels = c.putObject("Labels");
        labels(config).forEach(labels::put);

        ObjectNode host = c.putObject("HostConfig");
        network(config.network(), c, host);
        host.put("ReadonlyRootfs", container.readOnlyRootfs());
        TaskConfig.Resources limits = config.limits();
        if (limits.memoryBytes() > 0) {
            host.put("Memory", limits.memoryBytes()).put("MemorySwap", limits.memoryBytes());
        }
        if (limits.nanoCpus() > 0) {
            host.put("NanoCpus", limits.nanoCpus());
        }
        if (limits.pids() > 0) {
            host.put("PidsLimit", limits.pids());
        }
        ArrayNode mounts = host.putArray("Mounts");
        for (TaskConfig.Mount m : container.mounts()) {
            mounts.add(mount(m));
        }
        host.putObject("RestartPolicy").put("Name", "no");
        host.putObject("LogConfig").put("Type", "json-file").putObject("Config").put("max-size", "10m").put("max-file", "1");
        return c;
    }

    /** The task's own labels plus ours, which find a task's container again (and tell ours apart). */
    static Map<String, String> labels(TaskConfig config) {
        Map<String, String> all = new LinkedHashMap<>(config.labels());
        all.put(LABEL_TASK, config.taskId());
        String service = config.labels().get(SWARM_SERVICE_LABEL);
        if (service != null && !service.isEmpty()) {
            all.put(LABEL_SERVICE, service);
        }
        return all;
    }

    /**
     * Swarm's modes on Docker's own networks: BRIDGE is Docker's default bridge with host-mode
     * published ports (published 0: Docker picks a free port), HOST the node's stack, NONE loopback only.
     */
    private static void network(TaskConfig.Network network, ObjectNode c, ObjectNode host) {
        switch (network.mode()) {
            case HOST -> host.put("NetworkMode", "host");
            case NONE -> host.put("NetworkMode", "none");
            case BRIDGE -> {
                host.put("NetworkMode", "bridge");
                if (network.ports().isEmpty()) {
                    return;
                }
                ObjectNode exposed = c.putObject("ExposedPorts");
                ObjectNode bindings = host.putObject("PortBindings");
                for (TaskConfig.PublishedPort p : network.ports()) {
                    String key = p.target() + "/" + p.protocol().name().toLowerCase(Locale.ROOT);
                    exposed.putObject(key);
                    ArrayNode forTarget = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
                    forTarget.addObject().put("HostIp", "").put("HostPort", p.published() == 0 ? "" : Integer.toString(p.published()));
                }
            }
            default -> throw new IllegalStateException("unknown network mode " + network.mode());
        }
    }

    private static ObjectNode mount(TaskConfig.Mount m) throws RuntimeFailure {
        if (m.target() == null || !m.target().startsWith("/")) {
            throw new RuntimeFailure("mount target " + m.target() + " is not an absolute path", false);
        }
        ObjectNode node = DockerEngine.JSON.createObjectNode();
        node.put("Target", m.target()).put("ReadOnly", m.readOnly());
        switch (m.type()) {
            case BIND -> {
                if (m.source() == null || !Path.of(m.source()).isAbsolute()) {
                    throw new RuntimeFailure("bind mount source " + m.source() + " is not an absolute path", false);
                }
                node.put("Type", "bind").put("Source", m.source());
            }
            // Docker's own named volumes (created on first use), kept in Docker's data root.
            case VOLUME -> {
                if (m.source() == null || !m.source().matches(VOLUME_NAME)) {
                    throw new RuntimeFailure("invalid volume name " + m.source(), false);
                }
                node.put("Type", "volume").put("Source", m.source());
            }
            case TMPFS -> node.put("Type", "tmpfs");
            default -> throw new RuntimeFailure("unsupported mount type " + m.type(), false);
        }
        return node;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }
}
