package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** "*:8080->80/tcp" lists, as in the PORTS columns. */
public final class PortsFormat {
    private PortsFormat() {}

    /** @param mode only ports with this PublishMode are listed ("ingress" for service ls, "host" for ps) */
    public static String format(JsonNode ports, String mode) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : ports) {
            String m = p.path("PublishMode").asText("ingress");
            if (!m.isEmpty() && !m.equals(mode)) continue;
            int published = p.path("PublishedPort").asInt(0);
            out.add("*:" + (published == 0 ? "" : published) + "->" + p.path("TargetPort").asInt() + "/" + p.path("Protocol").asText("tcp"));
        }
        return String.join(", ", out);
    }
}
