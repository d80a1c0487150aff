package io.orch.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orch.cli.render.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch node inspect NODE...}: a JSON array, like docker; "self" means the local node. */
@Command(name = "inspect", description = "Display detailed information on one or more nodes.")
public final class NodeInspectCommand extends OrchCommand {
    @Option(names = {"-f", "--format"}, converter = Converters.InspectFormat.class, description = "json (the default).")
    String format = "json";

    @Parameters(arity = "1..*", paramLabel = "NODE")
    List<String> nodes;

    @Override
    public Integer call() {
        ArrayNode result = Json.mapper().createArrayNode();
        for (String n : nodes) {
            String id = n.equals("self") ? api().info().path("Swarm").path("NodeID").asText() : n;
            result.add(api().node(id));
        }
        out().println(Json.pretty(result));
        out().flush();
        return 0;
    }
}
