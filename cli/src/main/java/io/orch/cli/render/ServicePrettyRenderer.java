package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Cpus;
import io.orch.cli.parse.Durations;
import io.orch.cli.parse.Sizes;
import java.util.ArrayList;
import java.util.List;

/** {@code service inspect --pretty}: the fields an operator looks at, in docker's layout. */
public final class ServicePrettyRenderer {
    private ServicePrettyRenderer() {}

    public static String render(JsonNode service) {
        JsonNode spec = service.path("Spec");
        JsonNode tt = spec.path("TaskTemplate");
        JsonNode cs = tt.path("ContainerSpec");
        StringBuilder sb = new StringBuilder();
        line(sb, "", "ID:", service.path("ID").asText());
        line(sb, "", "Name:", spec.path("Name").asText());
        labels(sb, spec.path("Labels"));
        if (spec.path("Mode").has("Global")) {
            line(sb, "", "Service Mode:", "Global");
        } else {
            line(sb, "", "Service Mode:", "Replicated");
            line(sb, " ", "Replicas:", spec.path("Mode").path("Replicated").path("Replicas").asText("1"));
        }
        JsonNode placement = tt.path("Placement");
        if (placement.path("Constraints").size() > 0 || placement.path("Preferences").size() > 0 || placement.has("MaxReplicas")) {
            sb.append("Placement:\n");
            if (placement.path("Constraints").size() > 0) line(sb, " ", "Constraints:", list(placement.path("Constraints")));
            for (JsonNode pref : placement.path("Preferences")) {
                line(sb, " ", "Preferences:", "spread=" + pref.path("Spread").path("SpreadDescriptor").asText());
            }
            if (placement.path("MaxReplicas").asLong(0) > 0) line(sb, " ", "Max Replicas Per Node:", placement.path("MaxReplicas").asText());
        }
        JsonNode restart = tt.path("RestartPolicy");
        if (restart.isObject()) {
            sb.append("RestartPolicy:\n");
            if (restart.has("Condition")) line(sb, " ", "Condition:", restart.path("Condition").asText());
            if (restart.has("Delay")) line(sb, " ", "Delay:", Durations.format(restart.path("Delay").asLong()));
            if (restart.has("MaxAttempts")) line(sb, " ", "Max Attempts:", restart.path("MaxAttempts").asText());
            if (restart.has("Window")) line(sb, " ", "Window:", Durations.format(restart.path("Window").asLong()));
        }
        sb.append("ContainerSpec:\n");
        line(sb, " ", "Image:", cs.path("Image").asText());
        if (cs.path("Command").size() > 0) line(sb, " ", "Command:", join(cs.path("Command")));
        if (cs.path("Args").size() > 0) line(sb, " ", "Args:", join(cs.path("Args")));
        if (cs.path("Env").size() > 0) line(sb, " ", "Env:", join(cs.path("Env")));
        if (cs.hasNonNull("Dir")) line(sb, " ", "Dir:", cs.path("Dir").asText());
        if (cs.hasNonNull("User")) line(sb, " ", "User:", cs.path("User").asText());
        if (tt.hasNonNull("Runtime")) line(sb, "", "Runtime:", tt.path("Runtime").asText());
        resources(sb, tt.path("Resources"));
        JsonNode endpoint = spec.path("EndpointSpec");
        line(sb, "", "Endpoint Mode:", endpoint.path("Mode").asText("vip"));
        JsonNode ports = service.path("Endpoint").path("Ports").size() > 0 ? service.path("Endpoint").path("Ports") : endpoint.path("Ports");
        if (ports.size() > 0) {
            sb.append("Ports:\n");
            for (JsonNode p : ports) {
                sb.append(" PublishedPort = ").append(p.path("PublishedPort").asInt()).append('\n')
                        .append("  Protocol = ").append(p.path("Protocol").asText("tcp")).append('\n')
                        .append("  TargetPort = ").append(p.path("TargetPort").asInt()).append('\n')
                        .append("  PublishMode = ").append(p.path("PublishMode").asText("ingress")).append('\n');
            }
        }
        return sb.toString();
    }

    private static void resources(StringBuilder sb, JsonNode res) {
        List<String> lines = new ArrayList<>();
        for (String kind : new String[] {"Reservations", "Limits"}) {
            JsonNode r = res.path(kind);
            List<String> sub = new ArrayList<>();
            if (r.path("NanoCPUs").asLong(0) > 0) sub.add(pad("  CPU:", 1) + Cpus.format(r.path("NanoCPUs").asLong()));
            if (r.path("MemoryBytes").asLong(0) > 0) sub.add(pad("  Memory:", 1) + Sizes.human(r.path("MemoryBytes").asLong()));
            if (r.path("Pids").asLong(0) > 0) sub.add(pad("  PIDs:", 1) + r.path("Pids").asLong());
            if (!sub.isEmpty()) {
                lines.add(" " + kind + ":");
                lines.addAll(sub);
            }
        }
        if (!lines.isEmpty()) {
            sb.append("Resources:\n");
            lines.forEach(l -> sb.append(l).append('\n'));
        }
    }

    private static void labels(StringBuilder sb, JsonNode labels) {
        sb.append("Labels:\n");
        labels.fields().forEachRemaining(e -> sb.append(" ").append(e.getKey()).append("=").append(e.getValue().asText()).append('\n'));
    }

    private static void line(StringBuilder sb, String indent, String key, String value) {
        sb.append(pad(indent + key, 1)).append(value).append('\n');
    }

    private static String pad(String s, int min) {
        int width = 16;
        return s.length() + min > width ? s + " ".repeat(min) : s + " ".repeat(width - s.length());
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return String.join(" ", parts);
    }

    private static String list(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return "[" + String.join(" ", parts) + "]";
    }
}
