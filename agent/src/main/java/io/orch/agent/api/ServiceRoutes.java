package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.raft.store.Ids;
import io.orch.raft.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code /services}: list (with status), create, inspect, update/rollback, remove. */
final class ServiceRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "label", "mode");
    /** A write that lost a race (a concurrent port claim or network create rewrote the Cluster lock) is decided again this often. */
    private static final int WRITE_ATTEMPTS = 5;

    private final ApiContext context;
    private final ServiceLimits limits = ServiceLimits.forThisManager();
    /** The services' JSON, mapped once per stored version of each. */
    private final RenderedJson<Service> rendered = new RenderedJson<>(DockerJson::write);

    ServiceRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/services", this::list);
        router.post("/services/create", this::create);
        router.get("/services/{id}", this::inspect);
        router.post("/services/{id}/update", this::update);
        router.delete("/services/{id}", this::remove);
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters filters = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        for (String mode : filters.get("mode")) {
            if (!mode.equals("replicated") && !mode.equals("global") && !mode.equals("replicated-job")
                    && !mode.equals("global-job")) {
                throw ApiException.badRequest("Invalid filter: 'mode'='" + mode + "'");
            }
        }
        boolean status = request.flag("status");
        // under the store's read lock only what needs a consistent view (the matching services and
        // their counts); the mapping, the larger part of the work, runs after it is released
        List<Listed> listed = context.store().read(tx -> {
            Map<String, Node> nodes = status
                    ? tx.nodes().stream().collect(Collectors.toMap(Node::getId, Function.identity())) : Map.of();
            List<Listed> rows = new ArrayList<>();
            for (Service s : tx.services()) {
                if (matches(filters, s)) {
                    rows.add(new Listed(s, status ? ServiceStatusCounter.count(s, tx.tasksOfService(s.getId()), nodes) : null));
                }
            }
            return rows;
        });
        List<byte[]> elements = new ArrayList<>(listed.size());
        for (Listed row : listed) {
            byte[] service = rendered.of(row.service());
            elements.add(row.status() == null ? service : RenderedJson.withMember(service, "ServiceStatus", row.status().json()));
        }
        return ApiResponse.okJson(RenderedJson.array(elements));
    }

    /** A service of a list answer, with its {@code ServiceStatus} when {@code status=true} asked for it. */
    private record Listed(Service service, ServiceStatusCounter.Counts status) {}

    /** swarmkit matches id and name by prefix, labels by key or key=value. */
    static boolean matches(DockerFilters f, Service s) {
        return f.matchesPrefix("id", s.getId())
                && f.matchesPrefix("name", s.getSpec().getName())
                && f.matchesLabels("label", s.getSpec().getLabelsMap())
                && f.matchesExact("mode", ServiceChange.modeName(s.getSpec().getMode()));
    }

    ApiResponse create(ApiRequest request) throws ApiException, StoreException {
        ServiceSpec read = ServiceSpecReader.read(request.jsonBody());
        ServiceSpec spec = ServiceRegistryAuth.onCreate(StoreReads.read(context.store(), tx -> ServiceReferences.resolve(tx, read)),
                request);
        Service service = create(ServiceChange.created(Ids.newId(), spec, context.clock().instant()));
        ObjectNode out = DockerJson.MAPPER.createObjectNode().put("ID", service.getId());
        warnings(out, spec);
        return ApiResponse.json(HttpResponseStatus.CREATED, out);
    }

    /**
     * Stores the new service with its published ports allocated ({@link ServicePorts}) in the same
     * transaction. A transaction that lost a race (a concurrent create or port claim) is decided
     * again from the new state; a name taken meanwhile is then found by the body itself.
     */
    private Service create(Service candidate) throws ApiException, StoreException {
        String name = candidate.getSpec().getName();
        for (int attempt = 1; ; attempt++) {
            Service[] stored = {null};
            ApiException[] refused = {null};
            try {
                context.store().updateAndWait(tx -> {
                    if (tx.read().serviceByName(name).isPresent()) {
                        refused[0] = ApiException.conflict(nameConflict(name));
                        return;
                    }
                    try {
                        limits.check(tx.read(), null, candidate.getSpec());
                        stored[0] = ServicePorts.allocated(tx, candidate, java.util.List.of());
                    } catch (ApiException e) {
                        refused[0] = e;
                        return;
                    }
                    tx.create(stored[0]);
                });
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.CONFLICT && attempt < WRITE_ATTEMPTS) {
                    continue;
                }
                if (e.reason() == StoreException.Reason.CONFLICT) {
                    // the store's own name check (a concurrent create won the race) says it differently
                    throw ApiException.conflict(nameConflict(name));
                }
                throw e;
            }
            if (refused[0] != null) {
                throw refused[0];
            }
            return stored[0];
        }
    }

    /**
     * The fields of the spec its tasks' runtime keeps but does not apply ({@link RuntimeFieldSupport}):
     * the runtime it names, else the default runtime of each node. Only in this answer: Docker has
     * no place for warnings in a service's inspect output, and the docker CLI prints these.
     */
    private void warnings(ObjectNode out, ServiceSpec spec) {
        Set<String> runtimes = context.store().read(tx -> tx.nodes().stream()
                .filter(n -> n.getRuntimesCount() > 0).map(n -> n.getRuntimes(0)).collect(Collectors.toSet()));
        String named = spec.getTaskTemplate().getRuntime();
        if (!named.isEmpty() && !named.equals("container")) {
            runtimes = Set.of(named);
        }
        ArrayNode array = out.putArray("Warnings");
        RuntimeFieldSupport.warnings(spec.getTaskTemplate(), runtimes).forEach(array::add);
        // the routing mesh reaches tasks over the ingress overlay, which only runc tasks join
        // (a named process or docker runtime with ingress ports is refused outright)
        boolean ingress = spec.getEndpointSpec().getPortsList().stream()
                .anyMatch(p -> p.getPublishMode() == io.orch.api.proto.PortConfig.PublishMode.INGRESS);
        if (ingress) {
            for (String runtime : new java.util.TreeSet<>(runtimes)) {
                if (!runtime.equals("runc")) {
                    array.add("EndpointSpec.Ports: not applied on nodes whose default runtime is " + runtime
                            + ": the routing mesh reaches only runc tasks (use --runtime runc, or mode=host ports)");
                }
            }
        }
    }

    private static String nameConflict(String name) {
        return "name conflicts with an existing object: service " + name + " already exists";
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        Service service = StoreReads.read(context.store(), tx -> ObjectResolver.service(tx, input));
        if (!request.flag("insertDefaults")) {
            return ApiResponse.ok(DockerJson.toJson(service));
        }
        // the zeros Docker prints (MaxAttempts, MaxFailureRatio) are (always) fields in model.proto
        return ApiResponse.ok(DockerJson.toJson(service.toBuilder().setSpec(ServiceDefaults.insert(service.getSpec())).build()));
    }

    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        boolean rollback = request.query("rollback").map("previous"::equals).orElse(false);
        ServiceSpec read = ServiceSpecReader.read(request.jsonBody());
        ServiceSpec requested = StoreReads.read(context.store(), tx -> ServiceReferences.resolve(tx, read));
        String input = request.pathParam("id");
        Service current = StoreReads.read(context.store(), tx -> ObjectResolver.service(tx, input));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        Optional<String> action = request.query("updateAction");
        Service next = action.isPresent()
                ? ServiceChange.updateAction(current, action.get(), version, context.clock().instant())
                : ServiceChange.updated(current, ServiceRegistryAuth.onUpdate(requested, current, request), version, rollback,
                        context.clock().instant());
        Service stored = update(current, next, version);
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        warnings(out, stored.getSpec());
        return ApiResponse.ok(out);
    }

    /**
     * Writes {@code next} over {@code current} (read at {@code version}) with its published ports
     * allocated in the same transaction. A rejected write is decided again: if the service itself
     * moved, that is "update out of sequence"; if only the port lock did, the ports are allocated again.
     */
    private Service update(Service current, Service next, long version) throws ApiException, StoreException {
        for (int attempt = 1; ; attempt++) {
            Service[] stored = {null};
            ApiException[] refused = {null};
            try {
                context.store().updateAndWait(tx -> {
                    Service now = tx.read().service(current.getId()).orElse(null);
                    if (now == null) {
                        refused[0] = ApiException.notFound("service " + current.getId() + " not found");
                        return;
                    }
                    if (now.getVersion().getIndex() != version) {
                        refused[0] = ApiException.conflict("update out of sequence");
                        return;
                    }
                    try {
                        limits.check(tx.read(), now, next.getSpec());
                        stored[0] = ServicePorts.allocated(tx, next, now.getEndpoint().getPortsList());
                    } catch (ApiException e) {
                        refused[0] = e;
                        return;
                    }
                    tx.update(stored[0]);
                });
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.CONFLICT && attempt < WRITE_ATTEMPTS) {
                    continue;
                }
                if (StoreErrors.outOfSequence(e)) {
                    throw ApiException.conflict("update out of sequence");
                }
                throw e;
            }
            if (refused[0] != null) {
                throw refused[0];
            }
            return stored[0];
        }
    }

    /** Removes the service object only; the orchestrator shuts its tasks down when it sees that. */
    ApiResponse remove(ApiRequest request) throws ApiException, StoreException {
        String input = request.pathParam("id");
        Service service = StoreReads.read(context.store(), tx -> ObjectResolver.service(tx, input));
        context.store().updateAndWait(tx -> tx.read().service(service.getId()).ifPresent(tx::delete));
        return ApiResponse.empty(HttpResponseStatus.OK);
    }
}
