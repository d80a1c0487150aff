package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.CliException;
import io.orch.cli.client.DockerApi;
import io.orch.cli.parse.Filters;
import io.orch.cli.parse.KeyValues;
import io.orch.cli.render.Json;
import io.orch.cli.render.Names;
import io.orch.cli.render.RelativeTime;
import io.orch.cli.render.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** What {@code secret} and {@code config} commands share: the same API shape under /secrets and /configs. */
final class FileObjects {
    private final DockerApi api;
    private final String kind;
    private final String path;

    FileObjects(DockerApi api, String kind) {
        this.api = api;
        this.kind = kind;
        this.path = "/" + kind + "s";
    }

    /** Reads the data ({@code -} is stdin) and creates the object; returns its ID. */
    String create(String name, String file, List<String> labels, InputStream stdin) {
        byte[] data;
        try {
            data = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CliException(1, "Error: " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException(1, "Error: cannot read " + file + ": " + e.getMessage());
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("Name", name);
        ObjectNode l = body.putObject("Labels");
        KeyValues.toMap(labels).forEach(l::put);
        body.put("Data", Base64.getEncoder().encodeToString(data));
        return api.post(path + "/create", body).path("ID").asText();
    }

    JsonNode list(List<String> filters) {
        Filters f = Filters.of(filters);
        return api.get(path + (f.isEmpty() ? "" : "?" + f.toQueryParam()));
    }

    void printList(JsonNode objects, boolean quiet, String format, Instant now, PrintWriter out) {
        if (quiet) {
            objects.forEach(o -> out.println(o.path("ID").asText()));
        } else if (format.equals("json")) {
            out.println(Json.pretty(objects));
        } else {
            Table t = new Table("ID", "NAME", "CREATED", "UPDATED");
            for (JsonNode o : objects) {
                t.row(Names.shortId(o.path("ID").asText()), o.path("Spec").path("Name").asText(),
                        ago(o.path("CreatedAt").asText(), now), ago(o.path("UpdatedAt").asText(), now));
            }
            out.print(t.render());
        }
    }

    private static String ago(String timestamp, Instant now) {
        try {
            return RelativeTime.human(Duration.between(Instant.parse(timestamp), now)) + " ago";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Inspects each; failures are one line each on stderr. */
    int inspect(List<String> names, PrintWriter out, PrintWriter err) {
        ArrayNode array = Json.mapper().createArrayNode();
        int failures = 0;
        for (String n : names) {
            try {
                array.add(api.get(path + "/" + Filters.encode(n)));
            } catch (ApiException e) {
                err.println(e.line());
                failures++;
            }
        }
        out.println(Json.pretty(array));
        return failures;
    }

    int remove(List<String> names, PrintWriter out, PrintWriter err) {
        int failures = 0;
        for (String n : names) {
            try {
                api.delete(path + "/" + Filters.encode(n));
                out.println(n);
            } catch (ApiException e) {
                err.println(e.line());
                failures++;
            }
        }
        return failures;
    }

    String kind() {
        return kind;
    }
}
