package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.render.Json;
import io.orch.cli.render.NodeTableRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch node ls}: GET /nodes, then /info for the "*" on the node we are talking to. */
@Command(name = "ls", aliases = "list", description = "List nodes in the cluster.")
public final class NodeLsCommand extends OrchCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
    boolean quiet;

    @Option(names = {"-f", "--format"}, converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
        JsonNode nodes = api().nodes();
        if (quiet) {
            nodes.forEach(n -> out().println(n.path("ID").asText()));
        } else if (format.equals("json")) {
            out().println(Json.pretty(nodes));
        } else {
            String self = api().info().path("Swarm").path("NodeID").asText("");
            out().print(NodeTableRenderer.render(nodes, self));
        }
        out().flush();
        return 0;
    }
}
