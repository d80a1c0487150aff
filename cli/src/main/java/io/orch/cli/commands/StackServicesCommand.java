package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.Json;
import io.orch.cli.render.ServiceTableRenderer;
import io.orch.cli.stack.StackConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch stack services STACK}: the stack's services, as {@code service ls} shows them. */
@Command(name = "services", description = "List the services in a stack.")
public final class StackServicesCommand extends OrchCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
    boolean quiet;

    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    @Parameters(index = "0", paramLabel = "STACK")
    String stack;

    @Override
    public Integer call() {
        JsonNode services = api().services(new Filters().add("label", StackConverter.NAMESPACE_LABEL + "=" + stack), true);
        if (services.isEmpty() && !format.equals("json")) {
            err().println("Nothing found in stack: " + stack);
            err().flush();
            return 0;
        }
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
