package io.orch.agent.configfile;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an agent config file: one YAML mapping of keys to a scalar or a flat list of scalars,
 * each key with its position for messages. Nothing richer is needed, so nothing richer is let in:
 * the file is read to at most {@link #MAX_BYTES} (a pipe or /dev/zero is refused there, not held
 * whole), anchors and aliases are refused outright (no alias bomb can expand), and nesting stops
 * at a few levels, before SnakeYAML builds anything large.
 */
public final class ConfigFileReader {
    /** A config file holds a few dozen keys; a MiB is far past any real one. */
    public static final int MAX_BYTES = 1024 * 1024;
    private static final int MAX_NESTING = 4;

    private ConfigFileReader() {}

    /** @return the file's keys in file order */
    public static Map<String, ConfigEntry> read(Path file) {
        String name = file.toString();
        return parse(name, text(file, name));
    }

    /** @param name the file as the user named it, for messages */
    static Map<String, ConfigEntry> parse(String name, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setAllowDuplicateKeys(true); // found below, with the position of the second one
        Yaml yaml = new Yaml(options);
        Node root;
        try {
            refuseAliases(name, yaml.parse(new StringReader(text)));
            root = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw at(name, m, "invalid YAML: " + problem.strip());
        } catch (YAMLException e) {
            // the message may quote the file (a value): say only what kind of problem it is
            throw new ConfigFileException(name, "invalid YAML: " + firstLine(e.getMessage()));
        }
        Map<String, ConfigEntry> entries = new LinkedHashMap<>();
        if (root == null) {
            return entries; // an empty file (or only comments) sets nothing
        }
        if (!(root instanceof MappingNode mapping)) {
            throw at(name, root.getStartMark(), "expected a mapping of option names to values, e.g. data-dir: /var/lib/orch");
        }
        for (NodeTuple t : mapping.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode k) || k.getValue().isEmpty()) {
                throw at(name, keyNode.getStartMark(), "expected an option name as the key");
            }
            String key = k.getValue();
            if (entries.containsKey(key)) {
                throw at(name, keyNode.getStartMark(), "duplicate key '" + key + "'");
            }
            entries.put(key, entry(name, key, keyNode.getStartMark(), t.getValueNode()));
        }
        return entries;
    }

    private static ConfigEntry entry(String name, String key, Mark keyAt, Node value) {
        Mark valueAt = value.getStartMark();
        if (value instanceof ScalarNode s) {
            if (s.getTag().equals(Tag.NULL)) {
                throw at(name, valueAt, "key '" + key + "': expected a value");
            }
            return new ConfigEntry(key, List.of(s.getValue()), false, isBoolean(s),
                    keyAt.getLine() + 1, keyAt.getColumn() + 1, valueAt.getLine() + 1, valueAt.getColumn() + 1);
        }
        if (value instanceof SequenceNode seq) {
            List<String> values = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                    throw at(name, item.getStartMark(), "key '" + key + "': expected a list of plain values");
                }
                values.add(s.getValue());
            }
            return new ConfigEntry(key, List.copyOf(values), true, false,
                    keyAt.getLine() + 1, keyAt.getColumn() + 1, valueAt.getLine() + 1, valueAt.getColumn() + 1);
        }
        throw at(name, valueAt, "key '" + key + "': expected a value or a list of values, not a mapping");
    }

    /** true/false as YAML writes a boolean (the resolver's yes/no/on/off are not taken for one). */
    private static boolean isBoolean(ScalarNode s) {
        return s.getTag().equals(Tag.BOOL) && (s.getValue().equals("true") || s.getValue().equals("false"));
    }

    private static void refuseAliases(String name, Iterable<Event> events) {
        for (Event e : events) {
            if (e instanceof AliasEvent || (e instanceof NodeEvent n && n.getAnchor() != null)) {
                throw at(name, e.getStartMark(), "YAML anchors and aliases are not allowed in a config file");
            }
        }
    }

    private static String text(Path file, String name) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException(name, "no such file");
        } catch (IOException e) {
            throw new ConfigFileException(name, "cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigFileException(name, "larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigFileException(name, "not UTF-8 text");
        }
    }

    private static ConfigFileException at(String name, Mark m, String problem) {
        return m == null ? new ConfigFileException(name, 1, 1, problem)
                : new ConfigFileException(name, m.getLine() + 1, m.getColumn() + 1, problem);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
