package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.DockerApi;
import io.orch.cli.render.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * Promote and demote as docker does them: read each node, set Spec.Role, send the whole spec back
 * at the version read. A node already in the role is reported and skipped; a write that met a
 * newer version is tried again on a fresh read ({@link #ATTEMPTS}); the first other error stops
 * the command (nodes before it keep their new role).
 */
final class NodeRoleChange {
    private NodeRoleChange() {}

    static int apply(DockerApi api, PrintWriter out, List<String> nodes, String role, String already, String done) {
        for (String ref : nodes) {
            for (int attempt = 1; ; attempt++) {
                JsonNode node = api.node(ref);
                ObjectNode spec = node.path("Spec").isObject() ? ((ObjectNode) node.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
                if (role.equals(spec.path("Role").asText())) {
                    out.printf(already + "%n", node.path("ID").asText());
                    break;
                }
                spec.put("Role", role);
                try {
                    api.post("/nodes/" + node.path("ID").asText() + "/update?version=" + node.path("Version").path("Index").asLong(), spec);
                } catch (ApiException e) {
                    if (outOfSequence(e) && attempt < ATTEMPTS) {
                        continue; // the node changed between the read and the write (its status, say): read it again
                    }
                    throw e;
                }
                out.printf(done + "%n", ref);
                break;
            }
        }
        out.flush();
        return 0;
    }

    /**
     * A node's version moves with every write to it, its status and certificate included, not
     * only its spec: a role change that met one is applied again to a fresh read (the change is
     * the same whatever else moved), a few times, as kubectl retries on a conflict.
     */
    static final int ATTEMPTS = 5;

    private static boolean outOfSequence(ApiException e) {
        return e.status() == 409 && e.daemonMessage().contains("out of sequence");
    }
}
