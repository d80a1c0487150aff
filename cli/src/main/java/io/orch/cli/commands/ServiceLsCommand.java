package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.Json;
import io.orch.cli.render.ServiceTableRenderer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch service ls}: GET /services?status=true, REPLICAS from ServiceStatus. */
@Command(name = "ls", aliases = "list", description = "List services.")
public final class ServiceLsCommand extends OrchCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
    boolean quiet;

    @Option(names = {"-f", "--filter"}, converter = Converters.Filter.class, description = "Filter output (e.g. name=web, label=k=v, mode=global).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
        JsonNode services = api().services(Filters.of(filters), true);
        if (quiet) {
            services.forEach(s -> out().println(s.path("ID").asText()));
        } else if (format.equals("json")) {
            out().println(Json.pretty(services));
        } else {
            out().print(ServiceTableRenderer.render(services));
        }
        out().flush();
        return 0;
    }
}
