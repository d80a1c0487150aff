package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.render.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch cluster update --scheduler-strategy spread|binpack --task-history-limit N --max-tasks N
 * --max-replicas-per-service N --cert-expiry DURATION --autolock[=true|false]}: reads the cluster (GET /swarm),
 * changes its spec and sends the whole spec back with the version it was read at, like
 * {@code docker swarm update}.
 */
@Command(name = "update", description = "Update the cluster's settings.")
public final class ClusterUpdateCommand extends OrchCommand {
    @Option(names = "--scheduler-strategy", converter = Strategy.class,
            description = "spread (the default: a service's tasks spread evenly across nodes) or binpack (fill the fullest nodes that fit first).")
    String schedulerStrategy;

    @Option(names = "--task-history-limit", converter = Converters.NonNegativeLong.class,
            description = "Task history retention limit per slot.")
    Long taskHistoryLimit;

    @Option(names = "--max-tasks", converter = Converters.NonNegativeLong.class,
            description = "Tasks all services together may ask for (0: the default, sized to the managers' heap).")
    Long maxTasks;

    @Option(names = "--max-replicas-per-service", converter = Converters.NonNegativeLong.class,
            description = "Replicas (or job completions) one service may ask for (0: the default, a quarter of the task limit).")
    Long maxReplicasPerService;

    @Option(names = "--cert-expiry", converter = Converters.Duration.class,
            description = "Validity period for node certificates (ns|us|ms|s|m|h), e.g. 720h; at least 1m. Nodes renew theirs when 40-60%% of it remains.")
    Long certExpiry;

    @Option(names = "--autolock", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Lock the managers (true): their store key files are encrypted with an unlock key a restarted "
                    + "manager needs (`orch unlock`); the key is shown once here and by `orch unlock-key`. false unlocks them.")
    Boolean autolock;

    @Override
    public Integer call() {
        JsonNode cluster = api().get("/swarm");
        boolean wasLocked = cluster.path("Spec").path("EncryptionConfig").path("AutoLockManagers").asBoolean(false);
        long version = cluster.path("Version").path("Index").asLong();
        ObjectNode spec = cluster.path("Spec").isObject() ? ((ObjectNode) cluster.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
        if (schedulerStrategy != null) {
            spec.put("SchedulerStrategy", schedulerStrategy);
        }
        if (taskHistoryLimit != null) {
            ObjectNode orchestration = spec.path("Orchestration").isObject()
                    ? (ObjectNode) spec.path("Orchestration") : spec.putObject("Orchestration");
            orchestration.put("TaskHistoryRetentionLimit", taskHistoryLimit);
        }
        if (maxTasks != null || maxReplicasPerService != null) {
            ObjectNode limits = spec.path("Limits").isObject() ? (ObjectNode) spec.path("Limits") : spec.putObject("Limits");
            if (maxTasks != null) {
                limits.put("MaxTasks", maxTasks);
            }
            if (maxReplicasPerService != null) {
                limits.put("MaxReplicasPerService", maxReplicasPerService);
            }
        }
        if (certExpiry != null) {
            ObjectNode ca = spec.path("CAConfig").isObject() ? (ObjectNode) spec.path("CAConfig") : spec.putObject("CAConfig");
            ca.put("NodeCertExpiry", certExpiry);
        }
        if (autolock != null) {
            ObjectNode encryption = spec.path("EncryptionConfig").isObject()
                    ? (ObjectNode) spec.path("EncryptionConfig") : spec.putObject("EncryptionConfig");
            encryption.put("AutoLockManagers", autolock);
        }
        api().post("/swarm/update?version=" + version, spec);
        out().println("Cluster updated.");
        if (Boolean.TRUE.equals(autolock) && !wasLocked) {
            // shown once now, as docker swarm update --autolock=true does
            UnlockKeyCommand.printUnlockKey(out(), api().get("/swarm/unlockkey").path("UnlockKey").asText(""));
        }
        out().flush();
        return 0;
    }

    public static final class Strategy extends Converters.OneOfValues {
        public Strategy() { super("invalid scheduler strategy", "spread", "binpack"); }
    }
}
