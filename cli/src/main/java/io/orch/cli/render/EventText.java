package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The docker CLI's default line for an event (cli/command/system/events.go prettyPrintEvent):
 * {@code 2026-12-05T10:00:00.000000000Z service create ID (name=web, replicas.new=3)}: the time
 * with nine fraction digits in the local zone ({@code Z} for UTC), type, action, actor ID, and the
 * attributes sorted by key.
 */
public final class EventText {
    private static final DateTimeFormatter RFC3339_NANO_FIXED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private EventText() {}

    public static String line(JsonNode event, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        long timeNano = event.path("timeNano").asLong(0);
        long time = event.path("time").asLong(0);
        if (timeNano != 0) {
            out.append(RFC3339_NANO_FIXED.format(Instant.ofEpochSecond(0, timeNano).atZone(zone))).append(' ');
        } else if (time != 0) {
            out.append(RFC3339_NANO_FIXED.format(Instant.ofEpochSecond(time).atZone(zone))).append(' ');
        }
        out.append(event.path("Type").asText()).append(' ').append(event.path("Action").asText()).append(' ')
                .append(event.path("Actor").path("ID").asText());
        TreeMap<String, String> attributes = new TreeMap<>();
        event.path("Actor").path("Attributes").fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
        if (!attributes.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            attributes.forEach((k, v) -> pairs.add(k + "=" + v));
            out.append(" (").append(String.join(", ", pairs)).append(')');
        }
        return out.toString();
    }
}
