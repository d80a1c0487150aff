package io.orch.agent.worker;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.DNSConfig;
import io.orch.api.proto.Driver;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.logs.LogDriverOptions;
import io.orch.runtime.logs.LogRotation;
import io.orch.runtime.health.HealthSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a task's spec into what a runtime needs to start it. */
final class TaskConfigs {
    private TaskConfigs() {}

    /**
     * Docker's rule: Command replaces the image's entrypoint and Args its cmd. Without an image
     * config (the process runtime), the argv is simply Command followed by Args.
     */
    static TaskConfig of(Task task, String serviceName, Path taskDir) {
        ContainerSpec c = task.getSpec().getContainerSpec();
        List<String> argv = new ArrayList<>(c.getCommandList());
        argv.addAll(c.getArgsList());
        // An empty argv is the runtime's to judge: runc takes the image's entrypoint/cmd, the
        // process runtime (no image config) rejects the task.
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : c.getEnvList()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else if (!kv.isEmpty()) {
                String inherited = System.getenv(kv); // Docker: a bare NAME takes the value from the environment
                if (inherited != null) {
                    env.put(kv, inherited);
                }
            }
        }
        var limits = task.getSpec().getResources().getLimits();
        Map<String, String> labels = new LinkedHashMap<>(c.getLabelsMap());
        labels.put("com.docker.swarm.task.id", task.getId());
        labels.put("com.docker.swarm.service.id", task.getServiceId());
        labels.put("com.docker.swarm.node.id", task.getNodeId());
        return new TaskConfig(task.getId(), taskName(task, serviceName), c.getImage(), argv, env, c.getDir(), c.getUser(),
                c.getHostname(), new TaskConfig.Resources(limits.getNanoCpus(), limits.getMemoryBytes(), limits.getPids()),
                labels, taskDir, container(c));
    }

    /** What image-based runtimes (runc) need: Command/Args kept apart (Docker's rule), mounts, health check. */
    static TaskConfig.Container container(ContainerSpec c) {
        List<TaskConfig.Mount> mounts = new ArrayList<>();
        for (var m : c.getMountsList()) {
            TaskConfig.Mount.Type type = switch (m.getType()) {
                case BIND -> TaskConfig.Mount.Type.BIND;
                case VOLUME -> TaskConfig.Mount.Type.VOLUME;
                case TMPFS -> TaskConfig.Mount.Type.TMPFS;
                default -> throw new IllegalArgumentException("mount type " + m.getType() + " is not supported on this node");
            };
            mounts.add(new TaskConfig.Mount(type, m.getSource(), m.getTarget(), m.getReadOnly(), mountOptions(m)));
        }
        return new TaskConfig.Container(c.getCommandList(), c.getArgsList(), c.getReadOnly(), mounts, healthcheck(c),
                options(c), c.getTty());
    }

    /** Docker's Bind/Volume/TmpfsOptions that a runtime applies (Labels and NoCopy need nothing of it). */
    static TaskConfig.MountOptions mountOptions(io.orch.api.proto.Mount m) {
        var b = m.getBindOptions();
        return new TaskConfig.MountOptions(b.getPropagation(), b.getNonRecursive(), b.getCreateMountpoint(),
                b.getReadOnlyForceRecursive(), m.getVolumeOptions().getSubpath(), m.getTmpfsOptions().getSizeBytes(),
                m.getTmpfsOptions().getMode());
    }

    /** The ContainerSpec's process and security settings (the API has checked their form). */
    static ContainerOptions options(ContainerSpec c) {
        List<ContainerOptions.Ulimit> ulimits = new ArrayList<>();
        for (var u : c.getUlimitsList()) {
            ulimits.add(new ContainerOptions.Ulimit(u.getName(), u.getSoft(), u.getHard()));
        }
        DNSConfig d = c.getDnsConfig();
        // the docker CLI sends "DNSConfig": {} on every create: only a non-empty one is a setting
        Optional<ContainerOptions.Dns> dns = d.getNameserversCount() + d.getSearchCount() + d.getOptionsCount() > 0
                ? Optional.of(new ContainerOptions.Dns(c.getDnsConfig().getNameserversList(),
                        c.getDnsConfig().getSearchList(), c.getDnsConfig().getOptionsList()))
                : Optional.empty();
        var se = c.getPrivileges().getSelinuxContext();
        Optional<String> selinux = c.getPrivileges().hasSelinuxContext() && !se.getDisable()
                && !(se.getUser() + se.getRole() + se.getType() + se.getLevel()).isEmpty()
                ? Optional.of(se.getUser() + ":" + se.getRole() + ":" + se.getType() + ":" + se.getLevel())
                : Optional.empty();
        return new ContainerOptions(c.getCapabilityAddList(), c.getCapabilityDropList(), c.getSysctlsMap(), ulimits, dns,
                c.getHostsList(), c.getGroupsList(), c.getInit(), c.getPrivileges().getNoNewPrivileges(), selinux,
                (int) c.getOomScoreAdj()); // range checked by the API (ContainerSpecRules)
    }

    /**
     * LogDriver none keeps no logs; json-file, local and no driver are orch's own log files,
     * rotated as the driver's max-size and max-file say (checked by the API when the service was
     * written; a spec from before that check that does not parse keeps its logs unrotated).
     */
    static TaskConfig.Logs logs(TaskSpec spec) {
        Driver d = spec.getLogDriver();
        if (d.getName().equals("none")) {
            return TaskConfig.Logs.NONE;
        }
        try {
            LogRotation rotation = LogDriverOptions.rotation(d.getName(), d.getOptionsMap());
            return rotation.equals(LogRotation.NONE) ? TaskConfig.Logs.FILES : TaskConfig.Logs.rotated(rotation);
        } catch (LogDriverOptions.InvalidOption e) {
            return TaskConfig.Logs.FILES;
        }
    }

    /**
     * Only a runtime with {@code containerSettings} (runc) applies the container settings; a task
     * that has any and would run on another runtime fails with the first one named, rather than
     * run without it.
     */
    static void checkRuntimeApplies(Task task, String runtime, io.orch.runtime.RuntimeCapabilities can) {
        if (can.containerSettings()) {
            return;
        }
        ContainerSpec c = task.getSpec().getContainerSpec();
        String field = !options(c).equals(ContainerOptions.NONE) ? "the ContainerSpec's process and security settings"
                : c.getMountsList().stream().anyMatch(m -> !mountOptions(m).equals(TaskConfig.MountOptions.NONE))
                        ? "Mount options"
                        : !logs(task.getSpec()).kept() ? "LogDriver none"
                        : !logs(task.getSpec()).equals(TaskConfig.Logs.FILES) && !can.logRotation()
                                ? "log rotation (LogDriver max-size, max-file)" : null;
        if (field != null) {
            throw new IllegalStateException("only the runc runtime applies " + field + "; this node runs the task with the "
                    + runtime + " runtime");
        }
    }

    /** The service's health check, if it sets one (fields it leaves zero come from the image). */
    static java.util.Optional<HealthSpec> healthcheck(ContainerSpec c) {
        if (!c.hasHealthcheck()) {
            return java.util.Optional.empty();
        }
        var h = c.getHealthcheck();
        return java.util.Optional.of(new HealthSpec(h.getTestList(), Duration.ofNanos(h.getInterval()),
                Duration.ofNanos(h.getTimeout()), Duration.ofNanos(h.getStartPeriod()), (int) h.getRetries()));
    }

    /**
     * The task's network (runtimes that isolate it: runc). The service's host-mode published
     * ports (ingress-mode ones belong to the routing mesh, not to the task); an attached
     * network whose driver is "host" (Docker's predefined host network) means host networking,
     * driver "null" (Docker's "none") only loopback; otherwise the container gets its own
     * namespace on the node's bridge, Swarm's default.
     *
     * @param networks looks up an attached network by the ID the task spec stores
     */
    static TaskConfig.Network network(io.orch.api.proto.TaskSpec spec, io.orch.api.proto.EndpointSpec endpoint,
                                      java.util.function.Function<String, java.util.Optional<io.orch.api.proto.Network>> networks) {
        TaskConfig.Network.Mode mode = TaskConfig.Network.Mode.BRIDGE;
        for (var attachment : spec.getNetworksList()) {
            var n = networks.apply(attachment.getTarget());
            String driver = n.map(x -> x.getSpec().getDriver()).orElse("");
            String name = n.map(x -> x.getSpec().getName()).orElse(attachment.getTarget());
            if (driver.equals("host") || name.equals("host")) {
                mode = TaskConfig.Network.Mode.HOST;
            } else if ((driver.equals("null") || name.equals("none")) && mode != TaskConfig.Network.Mode.HOST) {
                mode = TaskConfig.Network.Mode.NONE;
            }
        }
        List<TaskConfig.PublishedPort> ports = new ArrayList<>();
        for (var p : endpoint.getPortsList()) {
            if (p.getPublishMode() != io.orch.api.proto.PortConfig.PublishMode.HOST) {
                continue;
            }
            TaskConfig.PublishedPort.Protocol protocol = switch (p.getProtocol()) {
                case TCP -> TaskConfig.PublishedPort.Protocol.TCP;
                case UDP -> TaskConfig.PublishedPort.Protocol.UDP;
                default -> throw new IllegalArgumentException("published port " + p.getTargetPort() + "/"
                        + p.getProtocol().name().toLowerCase(java.util.Locale.ROOT) + " is not supported on this node");
            };
            ports.add(new TaskConfig.PublishedPort(protocol, (int) p.getTargetPort(), (int) p.getPublishedPort()));
        }
        return new TaskConfig.Network(mode, ports);
    }

    /**
     * The task's overlay networks, as the managers allocated them (network copy and address in
     * the task), added to its bridged network. A network without a VXLAN id or an address (an
     * allocation that did not happen) fails the task rather than starting it cut off.
     */
    static TaskConfig.Network withOverlays(TaskConfig.Network network, Task task) {
        List<TaskConfig.Overlay> overlays = new ArrayList<>();
        for (var a : task.getNetworksAttachmentsList()) {
            var n = a.getNetwork();
            String name = n.getSpec().getName();
            if (a.getAddressesCount() == 0 || n.getVni() == 0 || n.getIpam().getConfigsCount() == 0) {
                throw new IllegalArgumentException("network " + name + " has no address allocated for this task");
            }
            overlays.add(new TaskConfig.Overlay(n.getId(), name, n.getVni(), n.getIpam().getConfigs(0).getSubnet(),
                    a.getAddresses(0), a.getAliasesList(), n.getSpec().getInternal()));
        }
        if (network.mode() != TaskConfig.Network.Mode.BRIDGE) {
            throw new IllegalArgumentException("a task on overlay networks cannot also use "
                    + network.mode().name().toLowerCase(java.util.Locale.ROOT) + " networking");
        }
        return new TaskConfig.Network(network.mode(), network.ports(), overlays);
    }

    /** Docker's task name: service.slot.taskid, or service.nodeid.taskid for global services. */
    static String taskName(Task task, String serviceName) {
        String middle = task.getSlot() > 0 ? Long.toString(task.getSlot()) : task.getNodeId();
        return serviceName + "." + middle + "." + task.getId();
    }

    static Duration stopGrace(Task task) {
        long nanos = task.getSpec().getContainerSpec().getStopGracePeriod();
        return nanos > 0 ? Duration.ofNanos(nanos) : TaskConfig.defaultStopGrace();
    }

    /** The spec's StopSignal; SIGTERM when it has none, or one that is no signal (the API refuses those). */
    static io.orch.runtime.Signal stopSignal(Task task) {
        try {
            return io.orch.runtime.Signal.parse(task.getSpec().getContainerSpec().getStopSignal());
        } catch (IllegalArgumentException e) {
            return io.orch.runtime.Signal.TERM;
        }
    }
}
