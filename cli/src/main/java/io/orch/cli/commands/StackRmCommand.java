package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.parse.Filters;
import io.orch.cli.stack.StackConverter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code orch stack rm STACK...}: removes the services, secrets, configs and networks carrying
 * the stack's namespace label, in that order (services first, so nothing is still in use).
 */
@Command(name = "rm", aliases = {"remove", "down"}, description = "Remove one or more stacks.")
public final class StackRmCommand extends OrchCommand {
    @Parameters(arity = "1..*", paramLabel = "STACK")
    List<String> stacks;

    @Override
    public Integer call() {
        int failures = 0;
        for (String stack : stacks) {
            Filters f = new Filters().add("label", StackConverter.NAMESPACE_LABEL + "=" + stack);
            String q = "?" + f.toQueryParam();
            JsonNode services = api().services(f, false);
            JsonNode networks = api().get("/networks" + q);
            JsonNode secrets = api().get("/secrets" + q);
            JsonNode configs = api().get("/configs" + q);
            if (services.isEmpty() && networks.isEmpty() && secrets.isEmpty() && configs.isEmpty()) {
                err().println("Nothing found in stack: " + stack);
                continue;
            }
            failures += remove("service", "/services/", services, "ID", true);
            failures += remove("secret", "/secrets/", secrets, "ID", true);
            failures += remove("config", "/configs/", configs, "ID", true);
            failures += remove("network", "/networks/", networks, "Id", false);
        }
        out().flush();
        err().flush();
        return failures == 0 ? 0 : 1;
    }

    private int remove(String kind, String path, JsonNode objects, String idField, boolean nameInSpec) {
        int failures = 0;
        for (JsonNode o : objects) {
            String name = nameInSpec ? o.path("Spec").path("Name").asText() : o.path("Name").asText();
            out().println("Removing " + kind + " " + name);
            try {
                api().delete(path + Filters.encode(o.path(idField).asText()));
            } catch (ApiException e) {
                err().println("Failed to remove " + kind + " " + name + ": " + e.daemonMessage());
                failures++;
            }
        }
        return failures;
    }
}
