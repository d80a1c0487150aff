package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orch.cli.render.Json;
import io.orch.cli.render.ServicePrettyRenderer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch service inspect SERVICE...}: a JSON array, or a human summary with --pretty. */
@Command(name = "inspect", description = "Display detailed information on one or more services.")
public final class ServiceInspectCommand extends OrchCommand {
    @Option(names = {"-f", "--format"}, converter = Converters.InspectFormat.class, description = "json (the default).")
    String format = "json";

    @Option(names = "--pretty", description = "Print the information in a human friendly format.")
    boolean pretty;

    @Parameters(arity = "1..*", paramLabel = "SERVICE")
    List<String> services;

    @Override
    public Integer call() {
        List<JsonNode> found = new ArrayList<>();
        for (String s : services) found.add(api().service(s, true));
        if (pretty) {
            for (int i = 0; i < found.size(); i++) {
                if (i > 0) out().println();
                out().print(ServicePrettyRenderer.render(found.get(i)));
            }
        } else {
            ArrayNode array = Json.mapper().createArrayNode();
            found.forEach(array::add);
            out().println(Json.pretty(array));
        }
        out().flush();
        return 0;
    }
}
