package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.DockerApi;
import io.orch.cli.render.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * Promote and demote as docker does them: read each node, set Spec.Role, send the whole spec back
 * at the version read. A node already in the role is reported and skipped; the first error stops
 * the command (nodes before it keep their new role).
 */
final class NodeRoleChange {
    private NodeRoleChange() {}

    static int apply(DockerApi api, PrintWriter out, List<String> nodes, String role, String already, String done) {
        for (String ref : nodes) {
            JsonNode node = api.node(ref);
            ObjectNode spec = node.path("Spec").isObject() ? ((ObjectNode) node.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
            if (role.equals(spec.path("Role").asText())) {
                out.printf(already + "%n", node.path("ID").asText());
                continue;
            }
            spec.put("Role", role);
            api.post("/nodes/" + node.path("ID").asText() + "/update?version=" + node.path("Version").path("Index").asLong(), spec);
            out.printf(done + "%n", ref);
        }
        out.flush();
        return 0;
    }
}
