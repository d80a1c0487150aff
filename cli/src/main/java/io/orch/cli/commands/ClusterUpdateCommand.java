package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.render.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch cluster update --scheduler-strategy spread|binpack}: reads the cluster (GET /swarm),
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

    @Override
    public Integer call() {
        JsonNode cluster = api().get("/swarm");
        long version = cluster.path("Version").path("Index").asLong();
        ObjectNode spec = cluster.path("Spec").isObject() ? ((ObjectNode) cluster.path("Spec")).deepCopy() : Json.MAPPER.createObjectNode();
        if (schedulerStrategy != null) {
            spec.put("SchedulerStrategy", schedulerStrategy);
        }
        if (taskHistoryLimit != null) {
            ObjectNode orchestration = spec.path("Orchestration").isObject()
                    ? (ObjectNode) spec.path("Orchestration") : spec.putObject("Orchestration");
            orchestration.put("TaskHistoryRetentionLimit", taskHistoryLimit);
        }
        api().post("/swarm/update?version=" + version, spec);
        out().println("Cluster updated.");
        out().flush();
        return 0;
    }

    public static final class Strategy extends Converters.OneOfValues {
        public Strategy() { super("invalid scheduler strategy", "spread", "binpack"); }
    }
}
