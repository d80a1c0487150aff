package io.orch.runtime.runc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.image.ImageConfig;
import io.orch.runtime.net.Attachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds an OCI runtime bundle's config.json from the image config and the task: Docker's
 * rules for argv, env, workdir and user; Docker's default capabilities, masked and read-only
 * paths; the task's mounts; cgroup limits under an explicit cgroups path. pid, ipc, uts and
 * mount namespaces are the container's own; the network namespace is the bridged one prepared
 * for it ({@link Attachment}), a fresh one with only loopback (mode none), or the host's.
 */
final class OciSpec {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** CFS period; the quota is nanoCpus scaled to it (0.5 CPU = 50 ms per 100 ms). */
    static final long CPU_PERIOD_MICROS = 100_000;
    private static final List<String> CAPABILITIES = Capabilities.DEFAULT;
    private static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware");
    private static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    private OciSpec() {}

    /** Docker's rule: the service's Command replaces the entrypoint (and drops the image cmd); Args replace cmd. */
    static List<String> argv(TaskConfig.Container c, ImageConfig image) {
        List<String> argv = new ArrayList<>();
        if (!c.command().isEmpty()) {
            argv.addAll(c.command());
            argv.addAll(c.args());
        } else {
            argv.addAll(image.entrypoint());
            argv.addAll(c.args().isEmpty() ? image.cmd() : c.args());
        }
        return argv;
    }

    /** Image env first, the task's wins; PATH and HOSTNAME as Docker sets them. */
    static List<String> env(TaskConfig config, ImageConfig image, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOSTNAME", hostname);
        if (config.container().tty()) {
            env.put("TERM", "xterm"); // as Docker sets for a container with a terminal; the image or service may override it
        }
        for (String kv : image.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        env.putAll(config.env());
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    static ObjectNode build(TaskConfig config, ImageConfig image, Path rootfs, String hostname, String cgroupsPath,
                            Path volumesDir) throws RuntimeFailure {
        return build(config, image, rootfs, hostname, cgroupsPath, volumesDir, Optional.empty());
    }

    /** @param bridged the network namespace prepared for a bridged container, empty otherwise */
    static ObjectNode build(TaskConfig config, ImageConfig image, Path rootfs, String hostname, String cgroupsPath,
                            Path volumesDir, Optional<Attachment> bridged) throws RuntimeFailure {
        List<String> argv = argv(config.container(), image);
        if (argv.isEmpty()) {
            throw new RuntimeFailure("no command specified: the image has no Cmd or Entrypoint and the service gives none", false);
        }
        ContainerOptions options = config.container().options();
        argv = OciOptions.argv(options, argv);
        UserSpec user = UserSpec.resolve(config.user() == null || config.user().isBlank() ? image.user() : config.user(),
                rootfs);
        ObjectNode spec = JSON.createObjectNode().put("ociVersion", "1.0.2");
        // with a terminal, runc makes the container's pty and copies it to its own stdout (see Shim)
        ObjectNode process = spec.putObject("process").put("terminal", config.container().tty());
        process.putObject("user").put("uid", user.uid()).put("gid", user.gid());
        strings(process.putArray("args"), argv);
        strings(process.putArray("env"), env(config, image, hostname));
        String cwd = config.workingDir() != null && !config.workingDir().isBlank() ? config.workingDir()
                : image.workingDir().isBlank() ? "/" : image.workingDir();
        if (!cwd.startsWith("/")) {
            throw new RuntimeFailure("working dir " + cwd + " is not an absolute path", false);
        }
        process.put("cwd", cwd);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : new String[] {"bounding", "effective", "permitted"}) {
            strings(caps.putArray(set), CAPABILITIES);
        }
        // Docker's rule: the container inherits the daemon's (here the agent's) open-files limit.
        NofileLimit nofile = NofileLimit.ofThisProcess();
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE")
                .put("hard", nofile.hard()).put("soft", nofile.soft());
        process.put("noNewPrivileges", false);
        OciOptions.process(process, options, rootfs);

        spec.putObject("root").put("path", rootfs.toString()).put("readonly", config.container().readOnlyRootfs());
        spec.put("hostname", hostname);
        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
        for (TaskConfig.Mount m : config.container().mounts()) {
            userMount(mounts, m, volumesDir);
        }
        OciOptions.initMount(mounts, options, OciOptions.TINI);
        List<TaskConfig.Overlay> overlays = config.network().overlays();
        // on an overlay, the hostname resolves to the task's first overlay address, as in Docker
        String ownAddress = !overlays.isEmpty() ? overlays.get(0).ip() : bridged.map(Attachment::ip).orElse("127.0.1.1");
        hostFiles(mounts, config.taskDir(), hostname, ownAddress, !overlays.isEmpty(), options);

        ObjectNode linux = spec.putObject("linux");
        linux.put("cgroupsPath", cgroupsPath);
        ObjectNode resources = linux.putObject("resources");
        resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        TaskConfig.Resources limits = config.limits();
        if (limits.memoryBytes() > 0) {
            // swap = memory: no swap beyond the limit, so the limit is what gets OOM-killed at
            resources.putObject("memory").put("limit", limits.memoryBytes()).put("swap", limits.memoryBytes());
        }
        if (limits.nanoCpus() > 0) {
            long quota = Math.max(1000, limits.nanoCpus() * CPU_PERIOD_MICROS / 1_000_000_000L);
            resources.putObject("cpu").put("quota", quota).put("period", CPU_PERIOD_MICROS);
        }
        if (limits.pids() > 0) {
            resources.putObject("pids").put("limit", limits.pids());
        }
        ArrayNode ns = linux.putArray("namespaces");
        for (String type : new String[] {"pid", "ipc", "uts", "mount"}) {
            ns.addObject().put("type", type);
        }
        if (bridged.isPresent()) {
            ns.addObject().put("type", "network").put("path", bridged.get().netnsPath().toString());
        } else if (config.network().mode() == TaskConfig.Network.Mode.NONE) {
            ns.addObject().put("type", "network"); // runc brings up loopback in a new one
        }
        OciOptions.sysctls(linux, options, config.network().mode() != TaskConfig.Network.Mode.HOST);
        strings(linux.putArray("maskedPaths"), MASKED);
        strings(linux.putArray("readonlyPaths"), READONLY);
        return spec;
    }

    private static void userMount(ArrayNode mounts, TaskConfig.Mount m, Path volumesDir) throws RuntimeFailure {
        if (m.target() == null || !m.target().startsWith("/")) {
            throw new RuntimeFailure("mount target " + m.target() + " is not an absolute path", false);
        }
        String rw = m.readOnly() ? "ro" : "rw";
        TaskConfig.MountOptions o = m.options();
        switch (m.type()) {
            case BIND: {
                Path source = Path.of(m.source() == null ? "" : m.source());
                if (source.isAbsolute() && !Files.exists(source) && o.createMountpoint()) {
                    try {
                        Files.createDirectories(source); // BindOptions.CreateMountpoint
                    } catch (IOException e) {
                        throw new RuntimeFailure("cannot create bind source " + source + ": " + e.getMessage(), false, e);
                    }
                }
                if (!source.isAbsolute() || !Files.exists(source)) {
                    throw new RuntimeFailure("invalid mount config for type \"bind\": bind source path does not exist: "
                            + m.source(), false);
                }
                mount(mounts, m.target(), "bind", source.toString(), MountFlags.bind(m));
                break;
            }
            case VOLUME: {
                String name = m.source();
                if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                    throw new RuntimeFailure("invalid volume name " + name, false);
                }
                Path data = volumesDir.resolve(name).resolve("_data");
                try {
                    Files.createDirectories(data);
                } catch (IOException e) {
                    throw new RuntimeFailure("cannot create volume " + name + ": " + e.getMessage(), true, e);
                }
                mount(mounts, m.target(), "bind", MountFlags.volumeSource(data, m).toString(), List.of("rbind", rw));
                break;
            }
            case TMPFS:
                mount(mounts, m.target(), "tmpfs", "tmpfs", MountFlags.tmpfs(m));
                break;
            default:
                throw new RuntimeFailure("unsupported mount type " + m.type(), false);
        }
    }

    /** /etc/hostname and /etc/hosts of the task, written to its dir and bind-mounted, as Docker does. */
    /** The resolver of containers on overlay networks: the agent's embedded DNS, reached through a DNAT in the container. */
    static final String EMBEDDED_DNS = "nameserver 127.0.0.11\noptions ndots:0\n";

    /**
     * /etc/hostname, /etc/hosts and /etc/resolv.conf of the container. A container on an overlay
     * network resolves through the embedded DNS (service names, tasks.NAME; the rest is forwarded
     * to the host's resolvers), like Docker's containers on user-defined networks; others get a
     * copy of the host's resolv.conf.
     */
    private static void hostFiles(ArrayNode mounts, Path taskDir, String hostname, String ownAddress, boolean embeddedDns,
                                  ContainerOptions options) throws RuntimeFailure {
        try {
            Path hostnameFile = taskDir.resolve("hostname");
            Files.writeString(hostnameFile, hostname + "\n");
            Path hosts = taskDir.resolve("hosts");
            StringBuilder extraHosts = new StringBuilder();
            for (String entry : options.hosts()) {
                try {
                    extraHosts.append(HostsEntries.line(entry)).append('\n'); // the service's Hosts, as Docker appends them
                } catch (IllegalArgumentException e) {
                    throw new RuntimeFailure("Hosts: " + e.getMessage(), false);
                }
            }
            Files.writeString(hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + ownAddress + "\t"
                    + hostname + "\n" + extraHosts);
            mount(mounts, "/etc/hostname", "bind", hostnameFile.toString(), List.of("rbind", "rw"));
            mount(mounts, "/etc/hosts", "bind", hosts.toString(), List.of("rbind", "rw"));
            Optional<ContainerOptions.Dns> dns = options.dns();
            if (dns.isPresent()) {
                try {
                    ResolvConfFile.check(dns.get());
                } catch (IllegalArgumentException e) {
                    throw new RuntimeFailure("DNSConfig: " + e.getMessage(), false);
                }
            }
            if (embeddedDns) {
                // DNSConfig.Nameservers are where the embedded DNS forwards this container's other
                // names (RuncRuntime hands them to the overlay attacher), as in Docker
                Path resolv = taskDir.resolve("resolv.conf");
                Files.writeString(resolv, dns.isPresent() ? ResolvConfFile.embedded(dns.get()) : EMBEDDED_DNS);
                mount(mounts, "/etc/resolv.conf", "bind", resolv.toString(), List.of("rbind", "rw"));
            } else if (dns.isPresent()) {
                Path hostResolv = Path.of("/etc/resolv.conf");
                String host = Files.isRegularFile(hostResolv) ? Files.readString(hostResolv) : "";
                Path resolv = taskDir.resolve("resolv.conf");
                Files.writeString(resolv, ResolvConfFile.forContainer(host, dns.get()));
                mount(mounts, "/etc/resolv.conf", "bind", resolv.toString(), List.of("rbind", "rw"));
            } else if (Files.isRegularFile(Path.of("/etc/resolv.conf"))) {
                Path resolv = taskDir.resolve("resolv.conf");
                Files.copy(Path.of("/etc/resolv.conf"), resolv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                mount(mounts, "/etc/resolv.conf", "bind", resolv.toString(), List.of("rbind", "rw"));
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot write the task's /etc files: " + e.getMessage(), true, e);
        }
    }

    private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
        ObjectNode m = mounts.addObject().put("destination", dest).put("type", type).put("source", source);
        strings(m.putArray("options"), options);
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }
}
