package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.Json;
import io.orch.cli.render.TaskTableRenderer;
import io.orch.cli.stack.StackConverter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch stack ps STACK}: the tasks of the stack (tasks carry the namespace label). */
@Command(name = "ps", description = "List the tasks in a stack.")
public final class StackPsCommand extends OrchCommand {
    @Option(names = "--no-trunc", description = "Do not truncate output.")
    boolean noTrunc;

    @Option(names = {"-q", "--quiet"}, description = "Only display task IDs.")
    boolean quiet;

    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Parameters(index = "0", paramLabel = "STACK")
    String stack;

    @Override
    public Integer call() {
        JsonNode tasks = api().tasks(new Filters().add("label", StackConverter.NAMESPACE_LABEL + "=" + stack));
        if (tasks.isEmpty() && !format.equals("json")) {
            err().println("Nothing found in stack: " + stack);
            err().flush();
            return 0;
        }
        if (quiet) {
            tasks.forEach(t -> out().println(t.path("ID").asText()));
        } else if (format.equals("json")) {
            out().println(Json.pretty(tasks));
        } else {
            Map<String, String> serviceNames = new HashMap<>();
            for (JsonNode t : tasks) {
                String id = t.path("ServiceID").asText();
                if (!serviceNames.containsKey(id)) {
                    serviceNames.put(id, api().service(id, false).path("Spec").path("Name").asText());
                }
            }
            Map<String, String> nodeNames = new HashMap<>();
            api().nodes().forEach(n -> nodeNames.put(n.path("ID").asText(), n.path("Description").path("Hostname").asText()));
            List<TaskTableRenderer.Row> rows = TaskTableRenderer.rows(tasks, serviceNames, nodeNames);
            out().print(TaskTableRenderer.render(rows, environment().clock().instant(), noTrunc));
        }
        out().flush();
        return 0;
    }
}
