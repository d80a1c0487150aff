package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.pki.RevocationEdits;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Version;
import io.orch.raft.store.StoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /nodes}: list, inspect, update (version-checked; promote and demote are updates of
 * Spec.Role, as the docker CLI sends them) and remove, with Swarm's rules ({@link NodeRules}).
 * ManagerStatus is computed per request when the agent gives a live view (see {@link NodeControl}).
 */
final class NodeRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "role", "membership", "label", "node.label");
    private static final Logger log = LoggerFactory.getLogger(NodeRoutes.class);
    private static final int REMOVE_ATTEMPTS = 3;

    private final ApiContext context;
    private final Optional<ManagerStatusView> liveStatus;
    private final RoleChangeHook hook;

    NodeRoutes(ApiContext context) {
        this.context = context;
        this.liveStatus = context.nodeControl().liveManagerStatus();
        this.hook = context.nodeControl().roleChanges();
    }

    void register(Router router) {
        router.get("/nodes", this::list);
        router.get("/nodes/{id}", this::inspect);
        router.post("/nodes/{id}/update", this::update);
        router.delete("/nodes/{id}", this::remove);
    }

    /** The node as the API shows it: with a live ManagerStatus when there is a live view. */
    private Function<Node, Node> presenter() {
        if (liveStatus.isEmpty()) {
            return n -> n;
        }
        ManagerStatusView view = liveStatus.get();
        Optional<String> leader = view.leaderId(); // once per request: one answer shows one leader
        ManagerStatusPresenter presenter = new ManagerStatusPresenter(view);
        return n -> presenter.present(n, leader);
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
        Function<Node, Node> present = presenter();
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        for (Node n : nodes) {
            if (matches(filters, n)) {
                out.add(DockerJson.toJson(present.apply(n)));
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
        return ApiResponse.ok(DockerJson.toJson(presenter().apply(node)));
    }

    /** Replaces the whole NodeSpec (Role, Availability, Labels), as {@code docker node update} sends it. */
    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        NodeSpec spec;
        try {
            spec = DockerJson.mergeStrict(request.jsonBody(), NodeSpec.newBuilder()).build();
        } catch (JsonModelException e) {
            throw ApiException.badRequest("invalid NodeSpec: " + e.getMessage());
        }
        LabelLimits.check("invalid NodeSpec: ", spec);
        String input = request.pathParam("id");
        Node current = StoreReads.read(context.store(), tx -> ObjectResolver.node(tx, input));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        boolean roleChange = current.getSpec().getRole() != spec.getRole();
        List<Node> otherManagers = List.of();
        if (roleChange) {
            List<Node> all = context.store().read(tx -> tx.nodes());
            NodeRules.checkRoleChange(current, spec.getRole(), all);
            try {
                hook.check(current, spec.getRole());
            } catch (RoleChangeHook.Refused e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (spec.getRole() == NodeSpec.Role.WORKER) {
                otherManagers = all.stream().filter(n -> !n.getId().equals(current.getId())
                        && n.getSpec().getRole() == NodeSpec.Role.MANAGER).toList();
            }
        }
        Node updated = current.toBuilder().setSpec(spec).setVersion(Version.newBuilder().setIndex(version)).build();
        List<Node> guards = otherManagers;
        try {
            context.store().updateAndWait(tx -> {
                tx.update(updated);
                // A demotion rewrites the other managers unchanged, version-checked: two demotions
                // racing each other cannot both commit and leave the cluster without a manager.
                guards.forEach(tx::update);
                if (roleChange) {
                    // in the same entry: no replica sees the demotion without the revocation
                    Instant now = context.clock().instant();
                    tx.read().cluster().ifPresent(cluster -> tx.update(spec.getRole() == NodeSpec.Role.WORKER
                            ? RevocationEdits.managerDemoted(cluster, current, now)
                            : RevocationEdits.managerPromoted(cluster, current.getId(), now)));
                }
            });
        } catch (StoreException e) {
            if (StoreErrors.outOfSequence(e)) {
                throw ApiException.conflict("update out of sequence");
            }
            throw e;
        }
        if (roleChange) {
            context.store().read(tx -> tx.node(current.getId())).ifPresent(after -> hook.roleChanged(current, after));
            log.info("node {} role changed from {} to {}", current.getId(), current.getSpec().getRole(), spec.getRole());
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }

    /**
     * {@code DELETE /nodes/{id}[?force=1]}: removes a worker that is down (or any worker, forced);
     * its tasks are then replaced elsewhere by the orchestrator, as for a node that went down.
     */
    ApiResponse remove(ApiRequest request) throws ApiException, StoreException {
        String input = request.pathParam("id");
        boolean force = request.flag("force");
        for (int attempt = 1; ; attempt++) {
            Node node = StoreReads.read(context.store(), tx -> ObjectResolver.node(tx, input));
            NodeRules.checkRemovable(node, force);
            try {
                Instant now = context.clock().instant();
                context.store().updateAndWait(tx -> {
                    tx.delete(node); // version-checked: it must not have changed since
                    // in the same entry: every certificate it holds is refused from this commit on
                    tx.read().cluster().ifPresent(cluster -> tx.update(RevocationEdits.nodeRemoved(cluster, node, now)));
                });
                hook.removed(node);
                log.info("node {} removed{}", node.getId(), force ? " (forced)" : "");
                return ApiResponse.empty(HttpResponseStatus.OK);
            } catch (StoreException e) {
                if (e.reason() != StoreException.Reason.CONFLICT || attempt >= REMOVE_ATTEMPTS) {
                    throw e;
                }
                // it changed meanwhile (a status report, a promotion): judge it again
            }
        }
    }
}
