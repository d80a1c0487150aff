package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.render.Json;
import io.orch.cli.render.RelativeTime;
import io.orch.cli.render.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch image ls}: docker's columns (REPOSITORY TAG IMAGE ID CREATED SIZE), one row per
 * tag; {@code -q} each image id once; {@code --format json} one JSON object a row, as docker prints.
 */
@Command(name = "ls", aliases = {"list"}, description = "List images on this node.")
public final class ImageLsCommand extends OrchCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
    boolean quiet;

    @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
    String format = "table";

    /** One line of the listing: an image under one of its tags ({@code <none>} when it has none). */
    record Row(String repository, String tag, String id, long created, long size) {}

    @Override
    public Integer call() {
        JsonNode images = api().images();
        Instant now = environment().clock().instant();
        if (quiet) {
            Set<String> ids = new LinkedHashSet<>();
            images.forEach(i -> ids.add(shortId(i.path("Id").asText())));
            ids.forEach(out()::println);
        } else if (format.equals("json")) {
            for (JsonNode i : images) {
                for (Row r : rows(i)) {
                    ObjectNode o = Json.mapper().createObjectNode();
                    o.put("CreatedAt", Instant.ofEpochSecond(r.created()).toString());
                    o.put("CreatedSince", since(now, r.created()));
                    o.put("ID", r.id());
                    o.put("Repository", r.repository());
                    o.put("Size", humanSize(r.size()));
                    o.put("Tag", r.tag());
                    out().println(o);
                }
            }
        } else {
            Table table = new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
            for (JsonNode i : images) {
                for (Row r : rows(i)) {
                    table.row(r.repository(), r.tag(), r.id(), since(now, r.created()), humanSize(r.size()));
                }
            }
            out().print(table.render());
        }
        out().flush();
        return 0;
    }

    static java.util.List<Row> rows(JsonNode image) {
        String id = shortId(image.path("Id").asText());
        long created = image.path("Created").asLong();
        long size = image.path("Size").asLong();
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (JsonNode t : image.path("RepoTags")) {
            String tag = t.asText();
            int colon = tag.lastIndexOf(':');
            boolean hasTag = colon > tag.lastIndexOf('/');
            rows.add(new Row(hasTag ? tag.substring(0, colon) : tag, hasTag ? tag.substring(colon + 1) : "<none>", id, created, size));
        }
        if (rows.isEmpty()) {
            rows.add(new Row("<none>", "<none>", id, created, size));
        }
        return rows;
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static String since(Instant now, long createdSeconds) {
        return RelativeTime.human(Duration.between(Instant.ofEpochSecond(createdSeconds), now)) + " ago";
    }

    /** docker's units.HumanSizeWithPrecision(size, 3): decimal units, three significant digits ("4.26MB"). */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double size = bytes;
        int i = 0;
        while (size >= 1000 && i < units.length - 1) {
            size /= 1000;
            i++;
        }
        String digits = new java.math.BigDecimal(size).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        return digits + units[i];
    }
}
