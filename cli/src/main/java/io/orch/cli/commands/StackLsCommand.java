package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.Json;
import io.orch.cli.render.Table;
import io.orch.cli.stack.StackConverter;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch stack ls}: stacks are the values of the namespace label on services. */
@Command(name = "ls", aliases = "list", description = "List stacks.")
public final class StackLsCommand extends OrchCommand {
    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
        JsonNode services = api().services(new Filters().add("label", StackConverter.NAMESPACE_LABEL), false);
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode s : services) {
            String ns = s.path("Spec").path("Labels").path(StackConverter.NAMESPACE_LABEL).asText("");
            if (!ns.isEmpty()) counts.merge(ns, 1, Integer::sum);
        }
        if (format.equals("json")) {
            ArrayNode array = Json.mapper().createArrayNode();
            counts.forEach((name, n) -> array.addObject().put("Name", name).put("Services", n));
            out().println(Json.pretty(array));
        } else {
            Table t = new Table("NAME", "SERVICES");
            counts.forEach((name, n) -> t.row(name, Integer.toString(n)));
            out().print(t.render());
        }
        out().flush();
        return 0;
    }
}
