package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Reads one YAML document into a Jackson tree plus the location of every key path.
 *
 * <p>Why SnakeYAML's node graph (the engine under Jackson's YAML module) and not Jackson's
 * YAMLParser: the parser exposes an alias as a plain string instead of the anchored value, and
 * it knows nothing of {@code <<} merge keys. The composed node graph has aliases resolved and a
 * start mark on every node. Plain scalars are typed the way Go's yaml.v3 (docker's loader)
 * types them, not YAML 1.1's way: {@code yes}/{@code on} stay strings, {@code 8080:50} is not a
 * sexagesimal number, and {@code 0400} is octal (256), as docker reads a file mode.
 */
final class YamlTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|0[bB][01_]+)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final int MAX_DEPTH = 200;
    /**
     * A compose file holds hundreds of values, a large one thousands. Aliases share nodes in
     * SnakeYAML's graph but each use is copied here: nine levels of nine aliases (72 in all, under
     * any alias cap) expand to 387 million values. Past this many the file is refused before the
     * CLI's heap (128 MiB) runs out.
     */
    static final int MAX_VALUES = 100_000;

    record Document(ObjectNode root, Locations locations) {}

    private final String file;
    private final Locations locations = new Locations();
    private int values;
    private String topLevel = "";
    private Location topLevelAt;

    private YamlTree(String file) {
        this.file = file;
    }

    /** @param file the file name as the user gave it (used in messages) */
    static Document parse(String file, String text) {
        LoaderOptions options = new LoaderOptions();
        // the expansion of aliases is bounded by MAX_VALUES below; this bounds the graph itself
        options.setMaxAliasesForCollections(200);
        options.setAllowRecursiveKeys(false);
        // what BoundedFiles lets in is parsed (SnakeYAML's own default stops at 3 Mi code points)
        options.setCodePointLimit(BoundedFiles.MAX_TEXT_BYTES);
        Node node;
        try {
            node = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Location l = m == null ? new Location(file, 1, 1) : new Location(file, m.getLine() + 1, m.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw StackFileException.at(l, "", "invalid YAML: " + problem.strip());
        } catch (YAMLException e) {
            throw StackFileException.at(new Location(file, 1, 1), "", "invalid YAML: " + e.getMessage());
        }
        YamlTree tree = new YamlTree(file);
        if (node == null) {
            throw StackFileException.at(new Location(file, 1, 1), "", "the file is empty; expected a mapping with a services key");
        }
        tree.locations.put("", tree.location(node));
        JsonNode root = tree.convert(node, "", 0);
        if (!root.isObject()) {
            throw StackFileException.at(tree.location(node), "", "top-level object must be a mapping");
        }
        return new Document((ObjectNode) root, tree.locations);
    }

    private Location location(Node node) {
        Mark m = node.getStartMark();
        return m == null ? new Location(file, 1, 1) : new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }

    private JsonNode convert(Node node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw StackFileException.at(location(node), path, "nesting is too deep (a recursive alias?)");
        }
        if (depth == 1) {
            topLevel = path;
            topLevelAt = location(node);
        }
        if (++values > MAX_VALUES) {
            // named by its top-level key: deeper down, an alias's copy knows only where its anchor is
            throw StackFileException.at(topLevelAt, topLevel, "the document holds more than " + MAX_VALUES
                    + " values once its aliases are expanded (a YAML alias bomb?)");
        }
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar);
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode array = NODES.arrayNode();
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                String p = Locations.index(path, i);
                locations.put(p, location(items.get(i)));
                array.add(convert(items.get(i), p, depth + 1));
            }
            return array;
        }
        MappingNode mapping = (MappingNode) node;
        ObjectNode object = NODES.objectNode();
        // explicit keys first; then the merged ones fill only what is still missing
        Map<String, Node> explicit = new LinkedHashMap<>();
        List<MappingNode> merged = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : mapping.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw StackFileException.at(location(keyNode), path, "mapping keys must be strings");
            }
            if (isMergeKey(k)) {
                collectMerge(t.getValueNode(), path, merged);
                continue;
            }
            String key = k.getValue();
            if (!seen.add(key)) {
                throw StackFileException.at(location(keyNode), Locations.child(path, key), "duplicate key \"" + key + "\"");
            }
            String p = Locations.child(path, key);
            locations.put(p, valueLocation(keyNode, t.getValueNode()));
            explicit.put(key, t.getValueNode());
        }
        for (Map.Entry<String, Node> e : explicit.entrySet()) {
            object.set(e.getKey(), convert(e.getValue(), Locations.child(path, e.getKey()), depth + 1));
        }
        for (MappingNode source : merged) {
            for (NodeTuple t : flatten(source, path)) {
                String key = ((ScalarNode) t.getKeyNode()).getValue();
                if (object.has(key)) {
                    continue; // explicit keys, and earlier merge sources, win
                }
                String p = Locations.child(path, key);
                locations.put(p, valueLocation(t.getKeyNode(), t.getValueNode()));
                object.set(key, convert(t.getValueNode(), p, depth + 1));
            }
        }
        return object;
    }

    /** The value's own position, except for an empty value: then the key's. */
    private Location valueLocation(Node key, Node value) {
        if (value instanceof ScalarNode s && s.getValue().isEmpty() && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
            return location(key);
        }
        return location(value);
    }

    private static boolean isMergeKey(ScalarNode k) {
        return k.getValue().equals("<<") && k.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    private void collectMerge(Node value, String path, List<MappingNode> into) {
        if (value instanceof MappingNode m) {
            into.add(m);
        } else if (value instanceof SequenceNode s) {
            for (Node item : s.getValue()) {
                if (!(item instanceof MappingNode m)) {
                    throw StackFileException.at(location(item), path, "<< merges mappings only (got a " + kind(item) + ")");
                }
                into.add(m);
            }
        } else {
            throw StackFileException.at(location(value), path, "<< merges mappings only (got a " + kind(value) + ")");
        }
    }

    /** A merge source's own keys, including what it merges itself (nested <<). */
    private List<NodeTuple> flatten(MappingNode source, String path) {
        List<NodeTuple> out = new ArrayList<>();
        List<MappingNode> nested = new ArrayList<>();
        for (NodeTuple t : source.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw StackFileException.at(location(t.getKeyNode()), path, "mapping keys must be strings");
            }
            if (isMergeKey(k)) {
                collectMerge(t.getValueNode(), path, nested);
            } else {
                out.add(t);
            }
        }
        for (MappingNode n : nested) {
            out.addAll(flatten(n, path));
        }
        return out;
    }

    private static String kind(Node n) {
        return n instanceof ScalarNode ? "scalar" : n instanceof SequenceNode ? "sequence" : "mapping";
    }

    /** yaml.v3's typing of plain scalars; anything quoted is a string. */
    static JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return NODES.textNode(v);
        }
        return plain(v);
    }

    /** How a plain (unquoted) scalar with this text is typed. */
    static JsonNode plain(String v) {
        switch (v) {
            case "", "~", "null", "Null", "NULL":
                return NODES.nullNode();
            case "true", "True", "TRUE":
                return NODES.booleanNode(true);
            case "false", "False", "FALSE":
                return NODES.booleanNode(false);
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                return NODES.numberNode(Double.POSITIVE_INFINITY);
            case "-.inf", "-.Inf", "-.INF":
                return NODES.numberNode(Double.NEGATIVE_INFINITY);
            default:
                break;
        }
        if (INT.matcher(v).matches()) {
            Long parsed = parseInt(v);
            if (parsed != null) {
                return NODES.numberNode(parsed);
            }
        }
        if (FLOAT.matcher(v).matches()) {
            try {
                return NODES.numberNode(Double.parseDouble(v));
            } catch (NumberFormatException ignored) {
                return NODES.textNode(v);
            }
        }
        return NODES.textNode(v);
    }

    /** Go's strconv.ParseInt(s, 0, 64): a leading 0 means octal; 0o, 0x, 0b prefixes. */
    static Long parseInt(String text) {
        String s = text;
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        int radix = 10;
        boolean prefixed = false;
        if (s.length() > 1 && s.charAt(0) == '0') {
            char c = Character.toLowerCase(s.charAt(1));
            if (c == 'x') { radix = 16; s = s.substring(2); prefixed = true; }
            else if (c == 'o') { radix = 8; s = s.substring(2); prefixed = true; }
            else if (c == 'b') { radix = 2; s = s.substring(2); prefixed = true; }
            else { radix = 8; s = s.substring(1); }
        }
        if (s.contains("_")) {
            if (!prefixed && radix == 10) {
                return null; // Go allows underscores only after a base prefix
            }
            s = s.replace("_", "");
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(s, radix);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
