package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Loads compose files the way {@code docker stack deploy -c A -c B} does: each file is parsed
 * (anchors and merge keys resolved), interpolated with the environment and the {@code .env}
 * file next to the first file (the environment wins), checked and put in canonical form; then
 * the files are merged in order and the result is validated as a whole (references between
 * services and top-level objects). Any problem is a {@link StackFileException} naming
 * FILE:LINE:COLUMN and the key path.
 */
public final class ComposeLoader {
    private final Map<String, String> environment;
    private boolean interpolate = true;

    /** @param environment the process environment (variables for interpolation) */
    public ComposeLoader(Map<String, String> environment) {
        this.environment = environment;
    }

    public ComposeLoader interpolate(boolean on) {
        this.interpolate = on;
        return this;
    }

    /** @param files the file names as given on the command line */
    public StackFile load(List<String> files) {
        if (files.isEmpty()) {
            throw new StackFileException("no compose file given (use -c FILE)");
        }
        List<Source> sources = new ArrayList<>();
        for (String f : files) {
            Path p = Path.of(f);
            try {
                sources.add(new Source(f, BoundedFiles.text(p), p.toAbsolutePath().getParent()));
            } catch (NoSuchFileException e) {
                throw new StackFileException(f + ": no such file");
            } catch (BoundedFiles.TooLarge e) {
                throw new StackFileException(f + ": " + e.getMessage() + ", the most a stack file may be");
            } catch (IOException e) {
                throw new StackFileException(f + ": cannot read: " + e.getMessage());
            }
        }
        return loadSources(sources);
    }

    /** A file's name (for messages), its text and the directory relative paths start from. */
    public record Source(String name, String text, Path dir) {}

    public StackFile loadSources(List<Source> sources) {
        Function<String, String> lookup = variables(sources.get(0));
        ObjectNode merged = null;
        Locations locations = new Locations();
        TreeSet<String> ignored = new TreeSet<>();
        for (Source s : sources) {
            YamlTree.Document doc = YamlTree.parse(s.name(), s.text());
            if (interpolate) {
                interpolateTree(doc.root(), "", new Interpolator(lookup), doc.locations());
            }
            ObjectNode canonical = new Normalizer(doc.locations(), s.dir(), lookup, ignored).file(doc.root());
            merged = merged == null ? canonical : Merger.merge(merged, canonical);
            locations.overrideWith(doc.locations());
        }
        StackFile stack = new StackFile(merged, locations, List.copyOf(ignored));
        StackValidator.validate(stack);
        return stack;
    }

    /** The environment first, then the .env file next to the first compose file. */
    private Function<String, String> variables(Source first) {
        Path dotEnv = first.dir().resolve(".env");
        Map<String, String> fromFile = Map.of();
        if (Files.isRegularFile(dotEnv)) {
            try {
                fromFile = DotEnv.parse(BoundedFiles.text(dotEnv));
            } catch (BoundedFiles.TooLarge e) {
                throw new StackFileException(dotEnv + ": " + e.getMessage() + ", the most a .env file may be");
            } catch (IOException e) {
                throw new StackFileException(dotEnv + ": cannot read: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new StackFileException(dotEnv + ": " + e.getMessage());
            }
        }
        Map<String, String> file = fromFile;
        return name -> environment.containsKey(name) ? environment.get(name) : file.get(name);
    }

    /** Every string value is interpolated, except in top-level {@code x-} extension fields. */
    private static void interpolateTree(JsonNode node, String path, Interpolator interpolator, Locations locations) {
        if (node instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (path.isEmpty() && (k.startsWith("x-") || k.equals("version"))) {
                    continue;
                }
                String p = Locations.child(path, k);
                JsonNode v = o.get(k);
                if (v.isTextual()) {
                    o.put(k, apply(interpolator, v.asText(), p, locations));
                } else {
                    interpolateTree(v, p, interpolator, locations);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                String p = Locations.index(path, i);
                if (a.get(i).isTextual()) {
                    a.set(i, Values.NODES.textNode(apply(interpolator, a.get(i).asText(), p, locations)));
                } else {
                    interpolateTree(a.get(i), p, interpolator, locations);
                }
            }
        }
    }

    private static String apply(Interpolator interpolator, String text, String path, Locations locations) {
        try {
            return interpolator.apply(text);
        } catch (Interpolator.Problem e) {
            throw locations.error(path, e.getMessage());
        }
    }
}
