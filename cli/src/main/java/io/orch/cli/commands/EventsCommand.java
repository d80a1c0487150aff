package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.model.EventTimes;
import io.orch.cli.client.CliException;
import io.orch.cli.client.StreamedResponse;
import io.orch.cli.parse.Filters;
import io.orch.cli.render.EventText;
import io.orch.cli.render.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code orch events [--since T] [--until T] [--filter k=v]... [--format '{{json .}}']}: the
 * cluster's events from a manager, as {@code docker events} prints them. Without {@code --until}
 * it streams until interrupted; {@code --since} replays what the manager still holds. Times are
 * read here as the docker CLI reads them (a duration is back from this machine's now) and sent
 * as UNIX seconds.
 */
@Command(name = "events", description = "Get real time events from the cluster (services, nodes, secrets, configs, networks, tasks).")
public final class EventsCommand extends OrchCommand {
    @Option(names = "--since", paramLabel = "TIME", description = "Show events since TIME: UNIX seconds, RFC 3339 "
            + "(2026-12-05T10:00:00Z) or a duration back from now (10m).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Stream events until TIME (same forms); the command ends then.")
    String until;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", converter = Converters.Filter.class,
            description = "Filter output: type, event, scope, label, service, node, secret, config, network, task (repeatable).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "'{{json .}}' (or json): one JSON object per event; "
            + "default: docker's text line.")
    String format;

    @Override
    public Integer call() {
        boolean json = json();
        Instant now = Instant.now();
        List<String> query = new ArrayList<>();
        time("--since", since, now).ifPresent(t -> query.add("since=" + t));
        time("--until", until, now).ifPresent(t -> query.add("until=" + t));
        Filters f = Filters.of(filters);
        if (!f.isEmpty()) query.add(f.toQueryParam());
        ZoneId zone = ZoneId.systemDefault();
        PrintWriter out = out();
        try (StreamedResponse response = api().events(String.join("&", query));
             BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode event;
                try {
                    event = Json.mapper().readTree(line);
                } catch (IOException e) {
                    throw new CliException(1, "Error: the orch agent sent an event that is not JSON");
                }
                out.println(json ? event.toString() : EventText.line(event, zone));
                out.flush();
            }
        } catch (IOException e) {
            throw new CliException(1, "Error: reading the events from the orch agent failed: " + e.getMessage(), e);
        } finally {
            out.flush();
        }
        return 0;
    }

    private boolean json() {
        if (format == null || format.isBlank()) return false;
        String f = format.strip();
        if (f.equals("json") || f.replace(" ", "").equals("{{json.}}")) return true;
        throw new ParameterException(spec.commandLine(), "unsupported --format \"" + format
                + "\": orch events prints docker's default line, or JSON with '{{json .}}' (or json)");
    }

    private java.util.Optional<String> time(String flag, String value, Instant now) {
        if (value == null) return java.util.Optional.empty();
        try {
            Instant t = EventTimes.parse(value, now, ZoneId.systemDefault());
            return t == null ? java.util.Optional.empty() : java.util.Optional.of(EventTimes.unixForm(t));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid argument \"" + value + "\" for \"" + flag + "\": " + e.getMessage());
        }
    }
}
