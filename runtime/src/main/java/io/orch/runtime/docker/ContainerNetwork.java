package io.orch.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.TaskConfig.PublishedPort;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads a container's address and bound host ports from {@code GET /containers/ID/json}. */
final class ContainerNetwork {
    private ContainerNetwork() {}

    /** "172.17.0.2/16" on the first network that gave it an address; empty for host or none. */
    static Optional<String> address(JsonNode inspect) {
        for (JsonNode n : inspect.path("NetworkSettings").path("Networks")) {
            String ip = n.path("IPAddress").asText("");
            if (!ip.isEmpty()) {
                return Optional.of(ip + "/" + n.path("IPPrefixLen").asInt(32));
            }
        }
        return Optional.empty();
    }

    /** Every binding of {@code "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}, once per host port. */
    static List<PublishedPort> ports(JsonNode inspect) {
        List<PublishedPort> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> ports = inspect.path("NetworkSettings").path("Ports").fields();
        while (ports.hasNext()) {
            Map.Entry<String, JsonNode> e = ports.next();
            String[] key = e.getKey().split("/");
            PublishedPort.Protocol protocol = key.length > 1 && key[1].toLowerCase(Locale.ROOT).equals("udp")
                    ? PublishedPort.Protocol.UDP : PublishedPort.Protocol.TCP;
            int target = Integer.parseInt(key[0]);
            for (JsonNode binding : e.getValue()) { // null (exposed, not published) iterates as empty
                int published = Integer.parseInt(binding.path("HostPort").asText("0"));
                if (out.stream().noneMatch(p -> p.published() == published && p.protocol() == protocol)) {
                    out.add(new PublishedPort(protocol, target, published));
                }
            }
        }
        return out;
    }
}
