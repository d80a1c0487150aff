package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Version;
import io.orch.raft.store.StoreException;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code /nodes}: list, inspect, update (version-checked); remove is not supported yet. */
final class NodeRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "role", "membership", "label", "node.label");

    private final ApiContext context;

    NodeRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/nodes", this::list);
        router.get("/nodes/{id}", this::inspect);
        router.post("/nodes/{id}/update", this::update);
        router.delete("/nodes/{id}", r -> {
            throw ApiException.badRequest("removing nodes is not supported yet");
        });
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters filters = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        for (String role : filters.get("role")) {
            if (!role.equals("manager") && !role.equals("worker")) {
                throw ApiException.badRequest("Invalid role filter: '" + role + "'");
            }
        }
        for (String m : filters.get("membership")) {
            if (!m.equals("accepted") && !m.equals("pending")) {
                throw ApiException.badRequest("Invalid membership filter: '" + m + "'");
            }
        }
        List<Node> nodes = context.store().read(tx -> tx.nodes());
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        for (Node n : nodes) {
            if (matches(filters, n)) {
                out.add(DockerJson.toJson(n));
            }
        }
        return ApiResponse.ok(out);
    }

    static boolean matches(DockerFilters f, Node n) {
        return f.matchesPrefix("id", n.getId())
                && (f.matchesPrefix("name", n.getDescription().getHostname())
                    || !n.getSpec().getName().isEmpty() && f.matchesPrefix("name", n.getSpec().getName()))
                && f.matchesExact("role", n.getSpec().getRole().name().toLowerCase(Locale.ROOT))
                // every node that is in the store has been accepted: orch has no pending membership
                && f.matchesExact("membership", "accepted")
                && f.matchesLabels("label", n.getDescription().getEngine().getLabelsMap())
                && f.matchesLabels("node.label", n.getSpec().getLabelsMap());
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        Node node = StoreReads.read(context.store(), tx -> ObjectResolver.node(tx, input));
        return ApiResponse.ok(DockerJson.toJson(node));
    }

    /** Replaces the whole NodeSpec (Role, Availability, Labels), as {@code docker node update} sends it. */
    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        NodeSpec spec;
        try {
            spec = DockerJson.merge(request.jsonBody(), NodeSpec.newBuilder()).build();
        } catch (JsonModelException e) {
            throw ApiException.badRequest("invalid NodeSpec: " + e.getMessage());
        }
        String input = request.pathParam("id");
        Node current = StoreReads.read(context.store(), tx -> ObjectResolver.node(tx, input));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        if (current.getSpec().getRole() == NodeSpec.Role.MANAGER && spec.getRole() == NodeSpec.Role.WORKER) {
            long managers = context.store().read(tx -> tx.nodes().stream()
                    .filter(n -> n.getSpec().getRole() == NodeSpec.Role.MANAGER).count());
            if (managers <= 1) {
                throw ApiException.badRequest("attempting to demote the last manager of the swarm");
            }
        }
        Node updated = current.toBuilder().setSpec(spec).setVersion(Version.newBuilder().setIndex(version)).build();
        try {
            context.store().updateAndWait(tx -> tx.update(updated));
        } catch (StoreException e) {
            if (StoreErrors.outOfSequence(e)) {
                throw ApiException.conflict("update out of sequence");
            }
            throw e;
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }
}
