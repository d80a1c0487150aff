package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A loaded, merged and validated stack description in canonical form (see {@link Normalizer}),
 * with where each key path came from, and the keys Swarm ignores that the files used.
 */
public record StackFile(ObjectNode model, Locations locations, List<String> ignoredKeys) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fully resolved file, as {@code stack config} prints it (loads back to the same stack). */
    public String toYaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(Integer.MAX_VALUE); // long commands stay on one line
        return new Yaml(new SafeStrings(options), options).dump(JSON.convertValue(model, Object.class));
    }

    /**
     * Quotes every string that would not read back as the same string under the loader's typing
     * (yaml.v3 rules: {@code 0o17} and {@code 0x1F} are numbers, {@code true} a boolean), on top
     * of what SnakeYAML quotes for YAML 1.1 readers ({@code yes}, {@code 1:30}).
     */
    private static final class SafeStrings extends Representer {
        SafeStrings(DumperOptions options) {
            super(options);
            org.yaml.snakeyaml.representer.Represent strings = this.representers.get(String.class);
            this.representers.put(String.class, data -> {
                String s = data.toString();
                JsonNode typed = YamlTree.plain(s);
                if (!typed.isTextual() || !typed.asText().equals(s)) {
                    return representScalar(Tag.STR, s, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
                }
                return strings.representData(data);
            });
        }
    }

    /** The one warning line for ignored keys, or null when there are none. */
    public String ignoredWarning() {
        return ignoredKeys.isEmpty() ? null : "Ignoring unsupported options: " + String.join(", ", ignoredKeys);
    }

    public ObjectNode services() {
        return (ObjectNode) model.path("services");
    }

    public ObjectNode section(String name) {
        return model.get(name) instanceof ObjectNode o ? o : Values.NODES.objectNode();
    }

    public StackFileException error(String path, String problem) {
        return locations.error(path, problem);
    }
}
