package io.orch.runtime;

import io.orch.runtime.health.HealthSpec;
import io.orch.runtime.logs.LogRotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a runtime needs to start one task, already resolved by the executor from the
 * task's spec: the argv (entrypoint + args, for runtimes without images), environment, limits,
 * where logs go, and the container options image-based runtimes need ({@link Container}).
 */
public record TaskConfig(
        String taskId,
        String name,
        String image,
        List<String> argv,
        Map<String, String> env,
        String workingDir,
        String user,
        String hostname,
        Resources limits,
        Map<String, String> labels,
        Path taskDir,
        Container container,
        Network network,
        Logs logs) {

    public TaskConfig {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        container = container == null ? Container.command(argv) : container;
        network = network == null ? Network.DEFAULT : network;
        logs = logs == null ? Logs.FILES : logs;
    }

    public TaskConfig(String taskId, String name, String image, List<String> argv, Map<String, String> env,
                      String workingDir, String user, String hostname, Resources limits, Map<String, String> labels,
                      Path taskDir, Container container, Network network) {
        this(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir, container, network, null);
    }

    public TaskConfig withLogs(Logs logs) {
        return new TaskConfig(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir,
                container, network, logs);
    }

    /**
     * What becomes of the task's output (the service's LogDriver, decided by the worker): kept in
     * the task's own stdout/stderr log files that {@code docker service logs} reads (Docker's
     * json-file and local drivers), rotated as Docker's max-size/max-file say; or not kept at
     * all (Docker's none driver).
     */
    public record Logs(boolean kept, LogRotation rotation) {
        /** Kept, never rotated (json-file's default). */
        public static final Logs FILES = new Logs(true, LogRotation.NONE);
        public static final Logs NONE = new Logs(false, LogRotation.NONE);

        public Logs {
            java.util.Objects.requireNonNull(rotation, "rotation");
        }

        public static Logs rotated(LogRotation rotation) {
            return new Logs(true, rotation);
        }
    }

    /** With the default network: the container's own namespace on the node's bridge, no published ports. */
    public TaskConfig(String taskId, String name, String image, List<String> argv, Map<String, String> env,
                      String workingDir, String user, String hostname, Resources limits, Map<String, String> labels,
                      Path taskDir, Container container) {
        this(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir, container, null);
    }

    public TaskConfig withNetwork(Network network) {
        return new TaskConfig(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir,
                container, network, logs);
    }

    /** For runtimes without images: the argv is the whole command. */
    public TaskConfig(String taskId, String name, String image, List<String> argv, Map<String, String> env,
                      String workingDir, String user, String hostname, Resources limits, Map<String, String> labels,
                      Path taskDir) {
        this(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir, null, null);
    }

    /** Limits; zero means unlimited. */
    public record Resources(long nanoCpus, long memoryBytes, long pids) {
        public static final Resources NONE = new Resources(0, 0, 0);
    }

    /**
     * What image-based runtimes need beyond the argv. Docker's rule applies: {@code command}
     * replaces the image's entrypoint (and then its cmd too), {@code args} replace its cmd.
     * {@code tty}: the process gets a terminal ({@code docker service create -t}).
     */
    public record Container(List<String> command, List<String> args, boolean readOnlyRootfs, List<Mount> mounts,
                            Optional<HealthSpec> healthcheck, ContainerOptions options, boolean tty) {
        public Container {
            command = List.copyOf(command);
            args = List.copyOf(args);
            mounts = List.copyOf(mounts);
            healthcheck = healthcheck == null ? Optional.empty() : healthcheck;
            options = options == null ? ContainerOptions.NONE : options;
        }

        /** Without process options, without a terminal. */
        public Container(List<String> command, List<String> args, boolean readOnlyRootfs, List<Mount> mounts,
                         Optional<HealthSpec> healthcheck) {
            this(command, args, readOnlyRootfs, mounts, healthcheck, null, false);
        }

        public Container withOptions(ContainerOptions options) {
            return new Container(command, args, readOnlyRootfs, mounts, healthcheck, options, tty);
        }

        public Container withTty(boolean tty) {
            return new Container(command, args, readOnlyRootfs, mounts, healthcheck, options, tty);
        }

        public static Container command(List<String> argv) {
            return new Container(argv, List.of(), false, List.of(), Optional.empty());
        }
    }

    /** A mount into the container: bind (host path), volume (named, under the node's data dir) or tmpfs. */
    public record Mount(Type type, String source, String target, boolean readOnly, MountOptions options) {
        public enum Type { BIND, VOLUME, TMPFS }

        public Mount {
            options = options == null ? MountOptions.NONE : options;
        }

        public Mount(Type type, String source, String target, boolean readOnly) {
            this(type, source, target, readOnly, null);
        }
    }

    /**
     * Docker's per-type mount options. Bind: {@code propagation} (empty: rprivate), {@code nonRecursive}
     * (bind, not rbind), {@code createMountpoint} (create a missing source dir), {@code readOnlyForceRecursive}
     * (rro). Volume: {@code subpath} (a dir inside the volume). Tmpfs: {@code tmpfsSizeBytes} (0: no limit),
     * {@code tmpfsMode} (0: 1777).
     */
    public record MountOptions(String propagation, boolean nonRecursive, boolean createMountpoint,
                               boolean readOnlyForceRecursive, String subpath, long tmpfsSizeBytes, int tmpfsMode) {
        public static final MountOptions NONE = new MountOptions("", false, false, false, "", 0, 0);

        public MountOptions {
            propagation = propagation == null ? "" : propagation;
            subpath = subpath == null ? "" : subpath;
        }
    }

    /**
     * The task's network, for runtimes that isolate it (runc). BRIDGE (Swarm's default): its own
     * network namespace with an address on the node's bridge, plus host-mode published ports.
     * HOST ({@code --network host}): the host's stack. NONE: its own namespace with only loopback.
     */
    public record Network(Mode mode, List<PublishedPort> ports, List<Overlay> overlays) {
        public static final Network DEFAULT = new Network(Mode.BRIDGE, List.of());

        public enum Mode { BRIDGE, HOST, NONE }

        public Network {
            mode = mode == null ? Mode.BRIDGE : mode;
            ports = List.copyOf(ports);
            overlays = overlays == null ? List.of() : List.copyOf(overlays);
            if (!overlays.isEmpty() && mode != Mode.BRIDGE) {
                throw new IllegalArgumentException("overlay networks need the container's own network namespace, not "
                        + mode.name().toLowerCase(java.util.Locale.ROOT) + " networking");
            }
        }

        public Network(Mode mode, List<PublishedPort> ports) {
            this(mode, ports, List.of());
        }
    }

    /**
     * The task's place on one overlay network (allocated by the managers): the network's VXLAN id
     * and subnet, the task's address on it ("10.0.1.5/24"), and its aliases there. The container
     * gets one interface per overlay, after its bridge interface (Docker's docker_gwbridge role).
     * {@code internal}: the network was made with {@code --internal}; a task whose networks are all
     * internal gets no default route.
     */
    public record Overlay(String networkId, String name, int vni, String subnet, String address, List<String> aliases,
                          boolean internal) {
        public Overlay {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            if (vni < 1 || vni > 0xFFFFFF) {
                throw new IllegalArgumentException("network " + name + ": VXLAN id " + vni + " is out of range (1-16777215)");
            }
        }

        /** "10.0.1.5" */
        public String ip() {
            int slash = address.indexOf('/');
            return slash < 0 ? address : address.substring(0, slash);
        }
    }

    /**
     * A host-mode published port ({@code --publish mode=host,published=8080,target=80}): the
     * node's port {@code published} (0: any free one) forwards to the container's {@code target}.
     */
    public record PublishedPort(Protocol protocol, int target, int published) {
        public enum Protocol { TCP, UDP }

        public PublishedPort {
            protocol = protocol == null ? Protocol.TCP : protocol;
            if (target < 1 || target > 65535) {
                throw new IllegalArgumentException("target port " + target + " is out of range (1-65535)");
            }
            if (published < 0 || published > 65535) {
                throw new IllegalArgumentException("published port " + published + " is out of range (0-65535)");
            }
        }

        /** "8080:80/tcp", as docker port prints it. */
        @Override
        public String toString() {
            return published + ":" + target + "/" + protocol.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Duration defaultStopGrace() {
        return Duration.ofSeconds(10);
    }
}
