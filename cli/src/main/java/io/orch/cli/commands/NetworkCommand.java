package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.parse.Filters;
import io.orch.cli.parse.KeyValues;
import io.orch.cli.render.Json;
import io.orch.cli.render.Names;
import io.orch.cli.render.Table;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch network create|ls|inspect|rm}: swarm-scoped overlay networks, as {@code docker network} shows them. */
@Command(name = "network", description = "Manage overlay networks.", subcommands = {
        NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class, NetworkCommand.Rm.class})
public final class NetworkCommand extends GroupCommand {

    /**
     * {@code orch network create [-d overlay] [--subnet CIDR] [--gateway IP] [--ip-range CIDR]
     * [--attachable] [--label k=v]... [--opt k=v]... NAME}. The addresses are checked by the
     * agent (it also knows the other networks' subnets); its one-line refusal is shown as is.
     */
    @Command(name = "create", description = "Create an overlay network; prints its ID.")
    public static final class Create extends OrchCommand {
        @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", description = "Network driver (default: overlay, the only one).")
        String driver = "overlay";

        @Option(names = "--subnet", paramLabel = "CIDR", description = "Subnet, e.g. 10.0.9.0/24 (default: the next free one of the cluster's address pool).")
        String subnet;

        @Option(names = "--gateway", paramLabel = "IP", description = "Gateway of the subnet (default: its first address).")
        String gateway;

        @Option(names = "--ip-range", paramLabel = "CIDR", description = "Give tasks and VIPs addresses from this part of the subnet only.")
        String ipRange;

        @Option(names = "--attachable", description = "Let standalone containers attach (recorded; orch runs services only).")
        boolean attachable;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Network labels.")
        List<String> labels = new ArrayList<>();

        @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "Driver options.")
        List<String> opts = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("Name", name);
            body.put("Driver", driver);
            body.put("Attachable", attachable);
            ObjectNode ipam = body.putObject("IPAM");
            ipam.put("Driver", "default");
            ArrayNode configs = ipam.putArray("Config");
            if (subnet != null || gateway != null || ipRange != null) {
                ObjectNode c = configs.addObject();
                put(c, "Subnet", subnet);
                put(c, "IPRange", ipRange);
                put(c, "Gateway", gateway);
            }
            ObjectNode options = body.putObject("Options");
            KeyValues.toMap(opts).forEach(options::put);
            ObjectNode l = body.putObject("Labels");
            KeyValues.toMap(labels).forEach(l::put);
            out().println(api().post("/networks/create", body).path("Id").asText());
            out().flush();
            return 0;
        }

        private static void put(ObjectNode o, String field, String value) {
            if (value != null) {
                o.put(field, value);
            }
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks.")
    public static final class Ls extends OrchCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
        boolean quiet;

        @Option(names = {"-f", "--filter"}, converter = Converters.Filter.class,
                description = "Filter output (id=, name=, label=, driver=, scope=, type=).")
        List<String> filters = new ArrayList<>();

        @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
        String format = "table";

        @Override
        public Integer call() {
            Filters f = Filters.of(filters);
            JsonNode networks = api().get("/networks" + (f.isEmpty() ? "" : "?" + f.toQueryParam()));
            if (quiet) {
                networks.forEach(n -> out().println(n.path("Id").asText()));
            } else if (format.equals("json")) {
                out().println(Json.pretty(networks));
            } else {
                Table t = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE", "SUBNET");
                for (JsonNode n : networks) {
                    t.row(Names.shortId(n.path("Id").asText()), n.path("Name").asText(), n.path("Driver").asText(),
                            n.path("Scope").asText(), n.path("IPAM").path("Config").path(0).path("Subnet").asText());
                }
                out().print(t.render());
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on one or more networks.")
    public static final class Inspect extends OrchCommand {
        @Option(names = "--format", converter = Converters.InspectFormat.class, description = "json (default).")
        String format = "json";

        @Parameters(arity = "1..*", paramLabel = "NETWORK")
        List<String> names;

        @Override
        public Integer call() {
            ArrayNode array = Json.mapper().createArrayNode();
            int failures = 0;
            for (String n : names) {
                try {
                    array.add(api().get("/networks/" + Filters.encode(n)));
                } catch (ApiException e) {
                    err().println(e.line());
                    failures++;
                }
            }
            out().println(Json.pretty(array));
            out().flush();
            err().flush();
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more networks (refused while a service or task uses one).")
    public static final class Rm extends OrchCommand {
        @Parameters(arity = "1..*", paramLabel = "NETWORK")
        List<String> names;

        @Override
        public Integer call() {
            return forEachName(names, n -> {
                api().delete("/networks/" + Filters.encode(n));
                out().println(n);
            });
        }
    }
}
