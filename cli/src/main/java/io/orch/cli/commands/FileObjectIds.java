package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.DockerApi;
import io.orch.cli.parse.Filters;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Secret and config names to IDs for --secret/--config (the spec names them by ID), looked up
 * as docker does: one list request filtered on the names given.
 */
final class FileObjectIds {
    private FileObjectIds() {}

    /** @param kind "secrets" or "configs" */
    static Map<String, String> lookup(DockerApi api, String kind, Collection<String> names) {
        Map<String, String> ids = new HashMap<>();
        if (names.isEmpty()) return ids;
        Filters filters = new Filters();
        names.forEach(n -> filters.add("name", n));
        for (JsonNode o : api.get("/" + kind + "?" + filters.toQueryParam())) {
            String name = o.path("Spec").path("Name").asText();
            if (names.contains(name)) ids.put(name, o.path("ID").asText());
        }
        return ids;
    }
}
