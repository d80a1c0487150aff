package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Mount;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.image.Image;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Docker's container JSON shapes for a task: the {@code docker ps} summary and the {@code docker inspect} document. */
final class ContainerJson {
    /** Go's zero time, which Docker shows for a time that has not happened. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ContainerJson() {}

    /** One entry of {@code GET /containers/json}. */
    static ObjectNode summary(ContainerView c, Optional<Image> image, Instant now) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("Id", c.id());
        out.putArray("Names").add("/" + c.name());
        out.put("Image", c.image());
        out.put("ImageID", image.map(i -> i.id().toString()).orElse(""));
        out.put("Command", String.join(" ", command(c, image)));
        out.put("Created", c.created().getEpochSecond());
        ports(out.putArray("Ports"), c.task().getStatus());
        ObjectNode labels = out.putObject("Labels");
        c.labels().forEach(labels::put);
        out.put("State", c.state());
        out.put("Status", c.status(now));
        out.putObject("HostConfig").put("NetworkMode", networkMode(c));
        networks(out.putObject("NetworkSettings").putObject("Networks"), c);
        mounts(out.putArray("Mounts"), c.task().getSpec().getContainerSpec());
        return out;
    }

    /** {@code GET /containers/{id}/json}. */
    static ObjectNode inspect(ContainerView c, Optional<Image> image, String hostname) {
        ContainerSpec spec = c.task().getSpec().getContainerSpec();
        List<String> cmd = command(c, image);
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("Id", c.id());
        out.put("Created", time(c.created()));
        out.put("Path", cmd.isEmpty() ? "" : cmd.get(0));
        ArrayNode args = out.putArray("Args");
        cmd.stream().skip(1).forEach(args::add);
        ObjectNode state = out.putObject("State");
        state.put("Status", c.state())
                .put("Running", c.running())
                .put("Paused", false)
                .put("Restarting", false)
                .put("OOMKilled", c.task().getStatus().getErr().contains("OOM killed"))
                .put("Dead", false)
                .put("Pid", c.pid())
                .put("ExitCode", c.exitCode())
                .put("Error", c.running() ? "" : c.task().getStatus().getErr())
                .put("StartedAt", time(c.startedAt()))
                .put("FinishedAt", c.finishedAt() == null ? ZERO_TIME : time(c.finishedAt()));
        if (c.task().getStatus().getHealth() != TaskStatus.Health.NONE) {
            state.putObject("Health").put("Status", c.task().getStatus().getHealth().name().toLowerCase(Locale.ROOT))
                    .put("FailingStreak", 0).putArray("Log");
        }
        out.put("Image", image.map(i -> i.id().toString()).orElse(""));
        out.put("Name", "/" + c.name());
        out.put("RestartCount", 0);
        out.put("Driver", "overlay");
        out.put("Platform", "linux");
        ObjectNode host = out.putObject("HostConfig");
        host.put("NetworkMode", networkMode(c));
        host.putObject("RestartPolicy").put("Name", "no").put("MaximumRetryCount", 0);
        var resources = c.task().getSpec().getResources().getLimits();
        host.put("Memory", resources.getMemoryBytes())
                .put("NanoCpus", resources.getNanoCpus())
                .put("ReadonlyRootfs", spec.getReadOnly())
                .put("Privileged", false)
                .put("Init", spec.getInit())
                .put("AutoRemove", false);
        mounts(out.putArray("Mounts"), spec);
        ObjectNode config = out.putObject("Config");
        config.put("Hostname", spec.getHostname().isEmpty() ? c.id().substring(0, 12) : spec.getHostname())
                .put("Domainname", "")
                .put("User", spec.getUser())
                .put("AttachStdin", false)
                .put("AttachStdout", false)
                .put("AttachStderr", false)
                .put("Tty", spec.getTty())
                .put("OpenStdin", false)
                .put("StdinOnce", false);
        ArrayNode env = config.putArray("Env");
        image.ifPresent(i -> i.config().env().forEach(env::add));
        spec.getEnvList().forEach(env::add);
        ArrayNode cmdNode = config.putArray("Cmd");
        (spec.getArgsCount() > 0 ? spec.getArgsList() : image.map(i -> i.config().cmd()).orElse(List.of())).forEach(cmdNode::add);
        config.put("Image", c.image());
        config.put("WorkingDir", spec.getDir().isEmpty() ? image.map(i -> i.config().workingDir()).orElse("") : spec.getDir());
        ArrayNode entrypoint = config.putArray("Entrypoint");
        (spec.getCommandCount() > 0 ? spec.getCommandList() : image.map(i -> i.config().entrypoint()).orElse(List.of()))
                .forEach(entrypoint::add);
        ObjectNode labels = config.putObject("Labels");
        c.labels().forEach(labels::put);
        if (!spec.getStopSignal().isEmpty()) {
            config.put("StopSignal", spec.getStopSignal());
        }
        ObjectNode net = out.putObject("NetworkSettings");
        ObjectNode ports = net.putObject("Ports");
        for (PortConfig p : c.task().getStatus().getPortStatusList()) {
            String key = p.getTargetPort() + "/" + p.getProtocol().name().toLowerCase(Locale.ROOT);
            ports.withArray(key).addObject().put("HostIp", "0.0.0.0").put("HostPort", Integer.toString(p.getPublishedPort()));
        }
        String address = address(c);
        net.put("IPAddress", address.contains("/") ? address.substring(0, address.indexOf('/')) : address);
        networks(net.putObject("Networks"), c);
        out.put("Node", hostname);
        return out;
    }

    /** The process the container runs: the spec's command and args, or the image's entrypoint and cmd. */
    static List<String> command(ContainerView c, Optional<Image> image) {
        ContainerSpec spec = c.task().getSpec().getContainerSpec();
        List<String> out = new ArrayList<>();
        if (spec.getCommandCount() > 0) {
            out.addAll(spec.getCommandList());
            out.addAll(spec.getArgsList());
            return out;
        }
        image.ifPresent(i -> out.addAll(i.config().entrypoint()));
        if (spec.getArgsCount() > 0) {
            out.addAll(spec.getArgsList());
        } else {
            image.ifPresent(i -> out.addAll(i.config().cmd()));
        }
        return out;
    }

    private static void ports(ArrayNode out, TaskStatus status) {
        for (PortConfig p : status.getPortStatusList()) {
            out.addObject().put("IP", "0.0.0.0").put("PrivatePort", p.getTargetPort()).put("PublicPort", p.getPublishedPort())
                    .put("Type", p.getProtocol().name().toLowerCase(Locale.ROOT));
        }
    }

    private static String address(ContainerView c) {
        return c.task().getStatus().getNetworkAddressesCount() > 0 ? c.task().getStatus().getNetworkAddresses(0) : "";
    }

    private static String networkMode(ContainerView c) {
        return address(c).isEmpty() ? "host" : "bridge";
    }

    private static void networks(ObjectNode out, ContainerView c) {
        String address = address(c);
        String ip = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
        int prefix = address.contains("/") ? Integer.parseInt(address.substring(address.indexOf('/') + 1)) : 0;
        out.putObject(networkMode(c)).put("IPAddress", ip).put("IPPrefixLen", prefix);
        c.task().getNetworksAttachmentsList().forEach(a -> {
            ObjectNode n = out.putObject(a.getNetwork().getSpec().getName());
            n.put("NetworkID", a.getNetwork().getId());
            String first = a.getAddressesCount() > 0 ? a.getAddresses(0) : "";
            n.put("IPAddress", first.contains("/") ? first.substring(0, first.indexOf('/')) : first);
        });
    }

    private static void mounts(ArrayNode out, ContainerSpec spec) {
        for (Mount m : spec.getMountsList()) {
            String type = m.getType().name().toLowerCase(Locale.ROOT);
            ObjectNode j = out.addObject().put("Type", type);
            if (m.getType() == Mount.Type.VOLUME) {
                j.put("Name", m.getSource());
            }
            j.put("Source", m.getSource()).put("Destination", m.getTarget()).put("Mode", m.getReadOnly() ? "ro" : "")
                    .put("RW", !m.getReadOnly()).put("Propagation", m.getType() == Mount.Type.BIND ? "rprivate" : "");
        }
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
