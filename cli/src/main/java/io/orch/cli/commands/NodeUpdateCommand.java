package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.CliException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code orch node update [--label-add K=V] [--label-rm K] [--availability A] [--role R] NODE}, as
 * docker: reads the node, changes its spec, sends the whole spec back with the version it was
 * read at (a concurrent change makes the agent answer "update out of sequence"). The scheduler
 * reacts at once: pending tasks whose constraints a new label meets are placed.
 */
@Command(name = "update", description = "Update a node.")
public final class NodeUpdateCommand extends OrchCommand {
    @Option(names = "--label-add", paramLabel = "KEY=VALUE", converter = Label.class,
            description = "Add or update a node label (KEY=VALUE, or KEY for an empty value).")
    List<String[]> labelAdd = new ArrayList<>();

    @Option(names = "--label-rm", paramLabel = "KEY", description = "Remove a node label if it exists.")
    List<String> labelRm = new ArrayList<>();

    @Option(names = "--availability", converter = Availability.class, description = "active, pause or drain.")
    String availability;

    @Option(names = "--role", converter = Role.class, description = "worker or manager.")
    String role;

    @Parameters(arity = "1", paramLabel = "NODE")
    String node;

    @Override
    public Integer call() {
        JsonNode current = api().node(node);
        String id = current.path("ID").asText();
        long version = current.path("Version").path("Index").asLong();
        ObjectNode spec = current.path("Spec").isObject() ? ((ObjectNode) current.path("Spec")).deepCopy()
                : io.orch.cli.render.Json.mapper().createObjectNode();
        ObjectNode labels = spec.path("Labels").isObject() ? (ObjectNode) spec.path("Labels") : spec.putObject("Labels");
        for (String key : labelRm) {
            if (!labels.has(key)) {
                throw new CliException(1, "Error: key " + key + " doesn't exist in node's labels");
            }
            labels.remove(key);
        }
        for (String[] kv : labelAdd) {
            labels.put(kv[0], kv[1]);
        }
        if (availability != null) {
            spec.put("Availability", availability);
        }
        if (role != null) {
            spec.put("Role", role);
        }
        api().post("/nodes/" + id + "/update?version=" + version, spec);
        out().println(node);
        out().flush();
        return 0;
    }

    /** KEY=VALUE or KEY (empty value); the key must not be empty. */
    public static final class Label implements ITypeConverter<String[]> {
        public String[] convert(String value) {
            int eq = value.indexOf('=');
            String key = (eq < 0 ? value : value.substring(0, eq)).trim();
            if (key.isEmpty()) {
                throw new TypeConversionException("invalid label \"" + value + "\": expected KEY=VALUE");
            }
            return new String[] {key, eq < 0 ? "" : value.substring(eq + 1)};
        }
    }

    public static final class Availability extends Converters.OneOfValues {
        public Availability() { super("invalid availability", "active", "pause", "drain"); }
    }

    public static final class Role extends Converters.OneOfValues {
        public Role() { super("invalid role", "worker", "manager"); }
    }
}
