package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.render.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch info}: the agent and its view of the cluster (the Swarm section of /info). */
@Command(name = "info", description = "Display cluster-wide information.")
public final class InfoCommand extends OrchCommand {
    @Option(names = {"-f", "--format"}, converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
        JsonNode info = api().info();
        PrintWriter out = out();
        if (format.equals("json")) {
            out.println(Json.pretty(info));
            out.flush();
            return 0;
        }
        out.println("Server:");
        kv(out, " ", "Name", info.path("Name"));
        kv(out, " ", "Server Version", info.path("ServerVersion"));
        JsonNode swarm = info.path("Swarm");
        out.println(" Swarm: " + swarm.path("LocalNodeState").asText("inactive"));
        kv(out, "  ", "NodeID", swarm.path("NodeID"));
        kv(out, "  ", "Node Address", swarm.path("NodeAddr"));
        kv(out, "  ", "Is Manager", swarm.path("ControlAvailable"));
        kv(out, "  ", "Cluster ID", swarm.path("Cluster").path("ID"));
        kv(out, "  ", "Managers", swarm.path("Managers"));
        kv(out, "  ", "Nodes", swarm.path("Nodes"));
        if (swarm.path("RemoteManagers").size() > 0) {
            out.println("  Manager Addresses:");
            swarm.path("RemoteManagers").forEach(m -> out.println("   " + m.path("Addr").asText()));
        }
        kv(out, "  ", "Error", swarm.path("Error"));
        kv(out, " ", "Operating System", info.path("OperatingSystem"));
        kv(out, " ", "Architecture", info.path("Architecture"));
        kv(out, " ", "CPUs", info.path("NCPU"));
        kv(out, " ", "Total Memory", info.path("MemTotal"));
        out.flush();
        return 0;
    }

    private static void kv(PrintWriter out, String indent, String key, JsonNode value) {
        if (value.isMissingNode() || value.isNull() || (value.isTextual() && value.asText().isEmpty())) return;
        out.println(indent + key + ": " + value.asText());
    }
}
