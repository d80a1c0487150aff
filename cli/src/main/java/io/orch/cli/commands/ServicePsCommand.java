package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.Json;
import io.orch.cli.render.TaskTableRenderer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orch service ps SERVICE...}: resolve each service on the server (ID, prefix or name),
 * list its tasks, name the nodes.
 */
@Command(name = "ps", description = "List the tasks of one or more services.")
public final class ServicePsCommand extends OrchCommand {
    @Option(names = "--no-trunc", description = "Do not truncate output.")
    boolean noTrunc;

    @Option(names = {"-q", "--quiet"}, description = "Only display task IDs.")
    boolean quiet;

    @Option(names = {"-f", "--filter"}, converter = Converters.Filter.class, description = "Filter output (e.g. desired-state=running, node=n1).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Parameters(arity = "1..*", paramLabel = "SERVICE")
    List<String> services;

    @Override
    public Integer call() {
        Map<String, String> serviceNames = new HashMap<>();
        Filters f = Filters.of(filters);
        for (String s : services) {
            JsonNode svc = api().service(s, false);
            String id = svc.path("ID").asText();
            serviceNames.put(id, svc.path("Spec").path("Name").asText());
            f.add("service", id);
        }
        JsonNode tasks = api().tasks(f);
        if (quiet) {
            tasks.forEach(t -> out().println(t.path("ID").asText()));
        } else if (format.equals("json")) {
            ArrayNode array = tasks.isArray() ? (ArrayNode) tasks : Json.mapper().createArrayNode();
            out().println(Json.pretty(array));
        } else {
            Map<String, String> nodeNames = new HashMap<>();
            api().nodes().forEach(n -> nodeNames.put(n.path("ID").asText(), n.path("Description").path("Hostname").asText()));
            List<TaskTableRenderer.Row> rows = TaskTableRenderer.rows(tasks, serviceNames, nodeNames);
            out().print(TaskTableRenderer.render(rows, environment().clock().instant(), noTrunc));
        }
        out().flush();
        return 0;
    }
}
