package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code service ps}: one row per task, tasks of the same slot (or node, for global services)
 * together with the newest first; older ones are history rows named {@code " \_ web.1"}.
 */
public final class TaskTableRenderer {
    private static final int MAX_ERROR = 30;

    private TaskTableRenderer() {}

    /** A task with the names it is shown under, so the renderer does no lookups of its own. */
    public record Row(JsonNode task, String serviceName, String nodeName) {
        String groupKey() {
            int slot = task.path("Slot").asInt(0);
            return serviceName + "." + (slot > 0 ? String.format("%010d", slot) : task.path("NodeID").asText());
        }

        String baseName() {
            int slot = task.path("Slot").asInt(0);
            return serviceName + "." + (slot > 0 ? Integer.toString(slot) : task.path("NodeID").asText());
        }

        Instant created() {
            return instant(task.path("CreatedAt").asText(task.path("Status").path("Timestamp").asText("")));
        }
    }

    public static List<Row> rows(JsonNode tasks, Map<String, String> serviceNames, Map<String, String> nodeNames) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode t : tasks) {
            String svc = serviceNames.getOrDefault(t.path("ServiceID").asText(), t.path("ServiceID").asText());
            String nodeId = t.path("NodeID").asText("");
            rows.add(new Row(t, svc, nodeNames.getOrDefault(nodeId, nodeId)));
        }
        rows.sort(Comparator.comparing(Row::groupKey)
                .thenComparing(Row::created, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(r -> r.task().path("Version").path("Index").asLong(), Comparator.reverseOrder()));
        return rows;
    }

    public static String render(List<Row> rows, Instant now, boolean noTrunc) {
        Table t = new Table("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS");
        String previousGroup = null;
        for (Row r : rows) {
            JsonNode task = r.task();
            String id = task.path("ID").asText();
            String name = r.baseName() + (noTrunc ? "." + id : "");
            if (r.groupKey().equals(previousGroup)) name = " \\_ " + name;
            previousGroup = r.groupKey();
            String image = Json.text(task, "Spec", "ContainerSpec", "Image");
            t.row(noTrunc ? id : Names.shortId(id),
                    name,
                    noTrunc ? image : Names.imageWithoutDigest(image),
                    r.nodeName(),
                    Names.title(task.path("DesiredState").asText()),
                    currentState(task.path("Status"), now),
                    error(task.path("Status").path("Err").asText(""), noTrunc),
                    PortsFormat.format(task.path("Status").path("PortStatus").path("Ports"), "host"));
        }
        return t.render();
    }

    static String currentState(JsonNode status, Instant now) {
        String state = Names.title(status.path("State").asText());
        Instant ts = instant(status.path("Timestamp").asText(""));
        if (ts == null || ts.getEpochSecond() <= 0) return state;
        Duration age = Duration.between(ts, now);
        if (age.isNegative()) age = Duration.ZERO;
        return state + " " + RelativeTime.human(age).toLowerCase(Locale.ROOT) + " ago";
    }

    static String error(String err, boolean noTrunc) {
        if (err.isEmpty()) return "";
        String e = err.replace('\n', ' ');
        if (!noTrunc && e.length() > MAX_ERROR) e = e.substring(0, MAX_ERROR - 1) + "…";
        return "\"" + e + "\"";
    }

    static Instant instant(String text) {
        if (text == null || text.isEmpty()) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
