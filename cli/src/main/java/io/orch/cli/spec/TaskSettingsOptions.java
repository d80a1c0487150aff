package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.commands.Converters;
import picocli.CommandLine.Option;

/**
 * The task settings {@code service create} and {@code service update} share with the same names
 * and meaning: resources, restart policy, placement's per-node limit, and the process's stop
 * signal, grace period, directory, user and hostname. Each given flag sets its one field of the
 * spec, whether the spec is new or stored; a null field means "flag not given".
 */
public class TaskSettingsOptions {
    @Option(names = "--limit-cpu", converter = Converters.NanoCpus.class, description = "Limit CPUs.")
    public Long limitCpu;

    @Option(names = "--limit-memory", converter = Converters.Size.class, description = "Limit memory.")
    public Long limitMemory;

    @Option(names = "--limit-pids", converter = Converters.NonNegativeLong.class, description = "Limit the number of processes (0 = unlimited).")
    public Long limitPids;

    @Option(names = "--reserve-cpu", converter = Converters.NanoCpus.class, description = "Reserve CPUs.")
    public Long reserveCpu;

    @Option(names = "--reserve-memory", converter = Converters.Size.class, description = "Reserve memory.")
    public Long reserveMemory;

    @Option(names = "--restart-condition", converter = Converters.RestartCondition.class, description = "none, on-failure or any.")
    public String restartCondition;

    @Option(names = "--restart-delay", converter = Converters.Duration.class, description = "Delay between restart attempts (ns|us|ms|s|m|h).")
    public Long restartDelay;

    @Option(names = "--restart-max-attempts", converter = Converters.NonNegativeLong.class, description = "Maximum number of restarts before giving up.")
    public Long restartMaxAttempts;

    @Option(names = "--restart-window", converter = Converters.Duration.class, description = "Window used to evaluate the restart policy.")
    public Long restartWindow;

    @Option(names = "--replicas-max-per-node", converter = Converters.NonNegativeLong.class, description = "Maximum tasks per node (0 = unlimited).")
    public Long maxReplicasPerNode;

    @Option(names = "--stop-grace-period", converter = Converters.Duration.class, description = "Time to wait before force killing a container.")
    public Long stopGracePeriod;

    @Option(names = "--stop-signal", description = "Signal to stop the container.")
    public String stopSignal;

    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container.")
    public String workdir;

    @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>]).")
    public String user;

    @Option(names = "--hostname", description = "Container hostname.")
    public String hostname;

    boolean restartGiven() {
        return restartCondition != null || restartDelay != null || restartMaxAttempts != null || restartWindow != null;
    }

    /** Sets what was given in the task template {@code tt} and its container spec {@code cs}, leaving the rest as it is. */
    void applyTo(ObjectNode tt, ObjectNode cs) {
        if (hostname != null) cs.put("Hostname", hostname);
        if (workdir != null) cs.put("Dir", workdir);
        if (user != null) cs.put("User", user);
        if (stopSignal != null) cs.put("StopSignal", stopSignal);
        if (stopGracePeriod != null) cs.put("StopGracePeriod", stopGracePeriod);
        if (limitCpu != null || limitMemory != null || limitPids != null) {
            ObjectNode limits = RolloutSpecs.object(RolloutSpecs.object(tt, "Resources"), "Limits");
            if (limitCpu != null) limits.put("NanoCPUs", limitCpu);
            if (limitMemory != null) limits.put("MemoryBytes", limitMemory);
            if (limitPids != null) limits.put("Pids", limitPids);
        }
        if (reserveCpu != null || reserveMemory != null) {
            ObjectNode res = RolloutSpecs.object(RolloutSpecs.object(tt, "Resources"), "Reservations");
            if (reserveCpu != null) res.put("NanoCPUs", reserveCpu);
            if (reserveMemory != null) res.put("MemoryBytes", reserveMemory);
        }
        if (restartGiven()) {
            ObjectNode rp = RolloutSpecs.object(tt, "RestartPolicy");
            if (restartCondition != null) rp.put("Condition", restartCondition);
            if (restartDelay != null) rp.put("Delay", restartDelay);
            if (restartMaxAttempts != null) rp.put("MaxAttempts", restartMaxAttempts);
            if (restartWindow != null) rp.put("Window", restartWindow);
        }
        if (maxReplicasPerNode != null) RolloutSpecs.object(tt, "Placement").put("MaxReplicas", maxReplicasPerNode);
    }
}
