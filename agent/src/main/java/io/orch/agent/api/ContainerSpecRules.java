package io.orch.agent.api;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.DNSConfig;
import io.orch.api.proto.Driver;
import io.orch.api.proto.FileTarget;
import io.orch.api.proto.Mount;
import io.orch.api.proto.Privileges;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.Ulimit;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.logs.LogDriverOptions;
import io.orch.runtime.runc.Capabilities;
import io.orch.runtime.runc.HostsEntries;
import io.orch.runtime.runc.ResolvConfFile;
import io.orch.runtime.runc.Rlimits;
import io.orch.runtime.runc.Sysctls;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The form of the ContainerSpec's process and security settings, its mounts' options, its
 * secret and config file targets and the task's LogDriver, checked when a service is created or
 * updated: one line naming the field. What depends on the node (a kernel with SELinux, tini,
 * host networking for net.* sysctls) is the worker's to check when it starts the task.
 */
final class ContainerSpecRules {
    static final String C = "TaskTemplate.ContainerSpec.";
    static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");
    static final Set<String> LOG_DRIVERS = Set.of("", "json-file", "local", "none");

    private ContainerSpecRules() {}

    static void validate(TaskSpec task) throws ApiException {
        ContainerSpec c = task.getContainerSpec();
        capabilities("CapabilityAdd", c.getCapabilityAddList());
        capabilities("CapabilityDrop", c.getCapabilityDropList());
        // a stop signal no runtime could send would turn into SIGTERM at every stop
        check(C + "StopSignal", () -> io.orch.runtime.Signal.parse(c.getStopSignal()));
        for (Map.Entry<String, String> e : c.getSysctlsMap().entrySet()) {
            check(C + "Sysctls." + e.getKey(), () -> Sysctls.check(e.getKey(), e.getValue(), true));
        }
        Set<String> ulimits = new HashSet<>();
        for (int i = 0; i < c.getUlimitsCount(); i++) {
            Ulimit u = c.getUlimits(i);
            check(C + "Ulimits[" + i + "]", () -> Rlimits.check(new ContainerOptions.Ulimit(u.getName(), u.getSoft(), u.getHard())));
            if (!ulimits.add(u.getName())) {
                throw ServiceSpecValidator.invalid(C + "Ulimits[" + i + "]", "ulimit " + u.getName() + " is given twice");
            }
        }
        DNSConfig d = c.getDnsConfig();
        check(C + "DNSConfig", () -> ResolvConfFile.check(new ContainerOptions.Dns(d.getNameserversList(), d.getSearchList(),
                d.getOptionsList())));
        for (int i = 0; i < c.getHostsCount(); i++) {
            String h = c.getHosts(i);
            check(C + "Hosts[" + i + "]", () -> HostsEntries.line(h));
        }
        for (int i = 0; i < c.getGroupsCount(); i++) {
            String g = c.getGroups(i);
            if (!g.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")) {
                throw ServiceSpecValidator.invalid(C + "Groups[" + i + "]", "invalid group \"" + g + "\"");
            }
        }
        privileges(c.getPrivileges());
        if (c.getOomScoreAdj() < -1000 || c.getOomScoreAdj() > 1000) {
            throw ServiceSpecValidator.invalid(C + "OomScoreAdj", "must be within -1000..1000, got " + c.getOomScoreAdj());
        }
        if (!c.getIsolation().isEmpty() && !c.getIsolation().equals("default")) {
            throw ServiceSpecValidator.invalid(C + "Isolation", "invalid isolation \"" + c.getIsolation()
                    + "\": only \"default\" exists on Linux");
        }
        for (int i = 0; i < c.getMountsCount(); i++) {
            mount(C + "Mounts[" + i + "]", c.getMounts(i));
        }
        for (int i = 0; i < c.getSecretsCount(); i++) {
            fileTarget(C + "Secrets[" + i + "].File", c.getSecrets(i).getFile());
        }
        for (int i = 0; i < c.getConfigsCount(); i++) {
            fileTarget(C + "Configs[" + i + "].File", c.getConfigs(i).getFile());
        }
        logDriver(task.getLogDriver());
        String runtime = task.getRuntime();
        if (runtime.equals("process") || runtime.equals("docker")) {
            Optional<String> field = runcOnly(task);
            if (field.isPresent()) {
                throw ServiceSpecValidator.invalid(field.get(), "only the runc runtime applies it, and TaskTemplate.Runtime is "
                        + runtime);
            }
        }
    }

    /** The first setting only the runc runtime applies, if the task has one. */
    static Optional<String> runcOnly(TaskSpec task) {
        ContainerSpec c = task.getContainerSpec();
        Privileges p = c.getPrivileges();
        String field = c.getCapabilityAddCount() > 0 ? "CapabilityAdd"
                : c.getCapabilityDropCount() > 0 ? "CapabilityDrop"
                : c.getSysctlsCount() > 0 ? "Sysctls"
                : c.getUlimitsCount() > 0 ? "Ulimits"
                : c.getDnsConfig().getNameserversCount() + c.getDnsConfig().getSearchCount()
                        + c.getDnsConfig().getOptionsCount() > 0 ? "DNSConfig"
                : c.getHostsCount() > 0 ? "Hosts"
                : c.getGroupsCount() > 0 ? "Groups"
                : c.getInit() ? "Init"
                : c.getOomScoreAdj() != 0 ? "OomScoreAdj"
                : p.getNoNewPrivileges() ? "Privileges.NoNewPrivileges"
                : p.hasSelinuxContext() && !p.getSelinuxContext().getDisable() ? "Privileges.SELinuxContext"
                : null;
        if (field != null) {
            return Optional.of(C + field);
        }
        for (int i = 0; i < c.getMountsCount(); i++) {
            Mount m = c.getMounts(i);
            if (m.hasBindOptions() || m.hasTmpfsOptions() || !m.getVolumeOptions().getSubpath().isEmpty()) {
                return Optional.of(C + "Mounts[" + i + "]");
            }
        }
        return task.getLogDriver().getName().equals("none") ? Optional.of("TaskTemplate.LogDriver") : Optional.empty();
    }

    private static void capabilities(String field, java.util.List<String> names) throws ApiException {
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            check(C + field + "[" + i + "]", () -> Capabilities.normalize(n));
        }
    }

    private static void privileges(Privileges p) throws ApiException {
        Privileges.CredentialSpec cs = p.getCredentialSpec();
        if (!(cs.getConfig() + cs.getFile() + cs.getRegistry()).isEmpty()) {
            throw ServiceSpecValidator.invalid(C + "Privileges.CredentialSpec", "is for Windows containers only");
        }
        switch (p.getSeccomp().getMode()) {
            case CUSTOM -> throw ServiceSpecValidator.invalid(C + "Privileges.Seccomp.Mode",
                    "custom seccomp profiles are not supported: orch's containers run without a seccomp filter");
            default -> {
                // "default" and "unconfined" both run as orch always does: without a seccomp filter
                // (orch has no default profile, so "default" is not Docker's default profile).
            }
        }
        if (!p.getSeccomp().getProfile().isEmpty()) {
            throw ServiceSpecValidator.invalid(C + "Privileges.Seccomp.Profile", "custom seccomp profiles are not supported");
        }
        if (p.getAppArmor().getMode() == Privileges.AppArmorOpts.Mode.DEFAULT) {
            throw ServiceSpecValidator.invalid(C + "Privileges.AppArmor.Mode",
                    "orch applies no AppArmor profile: only \"disabled\" can be honoured");
        }
    }

    private static void mount(String path, Mount m) throws ApiException {
        if (m.hasBindOptions() && m.getType() != Mount.Type.BIND) {
            throw ServiceSpecValidator.invalid(path + ".BindOptions", "only for mounts of type bind");
        }
        if (m.hasVolumeOptions() && m.getType() != Mount.Type.VOLUME) {
            throw ServiceSpecValidator.invalid(path + ".VolumeOptions", "only for mounts of type volume");
        }
        if (m.hasTmpfsOptions() && m.getType() != Mount.Type.TMPFS) {
            throw ServiceSpecValidator.invalid(path + ".TmpfsOptions", "only for mounts of type tmpfs");
        }
        var b = m.getBindOptions();
        if (!b.getPropagation().isEmpty() && !PROPAGATIONS.contains(b.getPropagation())) {
            throw ServiceSpecValidator.invalid(path + ".BindOptions.Propagation", "invalid propagation \""
                    + b.getPropagation() + "\" (want one of: private, rprivate, shared, rshared, slave, rslave)");
        }
        if ((b.getReadOnlyNonRecursive() || b.getReadOnlyForceRecursive()) && !m.getReadOnly()) {
            throw ServiceSpecValidator.invalid(path + ".BindOptions", "ReadOnlyNonRecursive and ReadOnlyForceRecursive "
                    + "need ReadOnly");
        }
        if (b.getReadOnlyNonRecursive() && b.getReadOnlyForceRecursive()) {
            throw ServiceSpecValidator.invalid(path + ".BindOptions", "ReadOnlyNonRecursive and ReadOnlyForceRecursive "
                    + "cannot both be set");
        }
        var v = m.getVolumeOptions();
        Driver dc = v.getDriverConfig();
        if (!dc.getName().isEmpty() && !dc.getName().equals("local")) {
            throw ServiceSpecValidator.invalid(path + ".VolumeOptions.DriverConfig.Name", "volume driver \"" + dc.getName()
                    + "\" is not available: orch has only local volumes");
        }
        if (dc.getOptionsCount() > 0) {
            throw ServiceSpecValidator.invalid(path + ".VolumeOptions.DriverConfig.Options", "orch's local volumes are "
                    + "directories on the node and take no driver options (" + String.join(", ", dc.getOptionsMap().keySet()) + ")");
        }
        String sub = v.getSubpath();
        if (!sub.isEmpty() && (sub.startsWith("/") || java.util.Arrays.asList(sub.split("/")).contains(".."))) {
            throw ServiceSpecValidator.invalid(path + ".VolumeOptions.Subpath", "must be a relative path inside the volume, got \""
                    + sub + "\"");
        }
        var t = m.getTmpfsOptions();
        if (t.getSizeBytes() < 0) {
            throw ServiceSpecValidator.invalid(path + ".TmpfsOptions.SizeBytes", "must not be negative, got " + t.getSizeBytes());
        }
        if (Integer.toUnsignedLong(t.getMode()) > 07777) {
            throw ServiceSpecValidator.invalid(path + ".TmpfsOptions.Mode", "must be permission bits (at most 07777), got 0"
                    + Long.toOctalString(Integer.toUnsignedLong(t.getMode())));
        }
    }

    private static void fileTarget(String path, FileTarget f) throws ApiException {
        if (!f.getUid().isEmpty() && !f.getUid().matches("\\d{1,9}")) {
            throw ServiceSpecValidator.invalid(path + ".UID", "must be a numeric user id, got \"" + f.getUid() + "\"");
        }
        if (!f.getGid().isEmpty() && !f.getGid().matches("\\d{1,9}")) {
            throw ServiceSpecValidator.invalid(path + ".GID", "must be a numeric group id, got \"" + f.getGid() + "\"");
        }
        if (Integer.toUnsignedLong(f.getMode()) > 0777) {
            throw ServiceSpecValidator.invalid(path + ".Mode", "must be permission bits (at most 0777), got 0"
                    + Long.toOctalString(Integer.toUnsignedLong(f.getMode())));
        }
    }

    /** orch keeps task logs in its own files ({@code docker service logs} reads them), rotated as Docker's. */
    private static void logDriver(Driver d) throws ApiException {
        if (!LOG_DRIVERS.contains(d.getName())) {
            throw ServiceSpecValidator.invalid("TaskTemplate.LogDriver.Name", "log driver \"" + d.getName()
                    + "\" is not supported (orch keeps task logs itself: json-file, local or none)");
        }
        if (d.getName().equals("none")) {
            if (d.getOptionsCount() > 0) {
                String first = new java.util.TreeSet<>(d.getOptionsMap().keySet()).first();
                throw ServiceSpecValidator.invalid("TaskTemplate.LogDriver.Options." + first, "the none log driver takes no options");
            }
            return;
        }
        try {
            LogDriverOptions.rotation(d.getName(), d.getOptionsMap());
        } catch (LogDriverOptions.InvalidOption e) {
            throw ServiceSpecValidator.invalid("TaskTemplate.LogDriver.Options." + e.option(), e.getMessage());
        }
    }

    private interface Check {
        void run();
    }

    private static void check(String path, Check check) throws ApiException {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw ServiceSpecValidator.invalid(path, e.getMessage());
        }
    }
}
