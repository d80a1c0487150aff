package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreException;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code /networks}: swarm-scoped networks as objects (create, list, inspect, remove) in
 * Docker's JSON shape, so stacks can declare them and services attach to them by name. orch
 * does not build overlay data planes yet: a network is a name services share.
 */
final class NetworkRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "label", "driver", "scope", "type");
    private final ApiContext context;

    NetworkRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/networks", this::list);
        router.post("/networks/create", this::create);
        router.get("/networks/{id}", this::inspect);
        router.delete("/networks/{id}", this::remove);
    }

    /** Docker's network JSON (moby api/types/network.Inspect). */
    static ObjectNode json(Network n) {
        NetworkSpec s = n.getSpec();
        ObjectNode o = DockerJson.MAPPER.createObjectNode();
        o.put("Name", s.getName());
        o.put("Id", n.getId());
        o.put("Created", n.hasCreatedAt() ? DockerJson.formatTimestamp(n.getCreatedAt()) : "0001-01-01T00:00:00Z");
        o.put("Scope", "swarm");
        o.put("Driver", s.getDriver());
        o.put("EnableIPv6", false);
        ObjectNode ipam = o.putObject("IPAM");
        ipam.put("Driver", "default");
        ipam.putNull("Options");
        ipam.putArray("Config");
        o.put("Internal", s.getInternal());
        o.put("Attachable", s.getAttachable());
        o.put("Ingress", false);
        o.putObject("ConfigFrom").put("Network", "");
        o.put("ConfigOnly", false);
        o.putObject("Containers");
        ObjectNode options = o.putObject("Options");
        s.getOptionsMap().forEach(options::put);
        ObjectNode labels = o.putObject("Labels");
        s.getLabelsMap().forEach(labels::put);
        return o;
    }

    static Network resolve(ReadTx tx, String input) throws ApiException {
        return ObjectResolver.resolve("network", input, tx.networks(), Network::getId, n -> n.getSpec().getName().equals(input));
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters f = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        for (String t : f.get("type")) {
            if (!t.equals("custom") && !t.equals("builtin")) {
                throw ApiException.badRequest("invalid filter: 'type'='" + t + "'");
            }
        }
        ArrayNode out = context.store().read(tx -> {
            ArrayNode array = DockerJson.MAPPER.createArrayNode();
            for (Network n : tx.networks()) {
                if (f.matchesPrefix("id", n.getId()) && f.matchesPrefix("name", n.getSpec().getName())
                        && f.matchesLabels("label", n.getSpec().getLabelsMap()) && f.matchesExact("driver", n.getSpec().getDriver())
                        && f.matchesExact("scope", "swarm") && f.matchesExact("type", "custom")) {
                    array.add(json(n));
                }
            }
            return array;
        });
        return ApiResponse.ok(out);
    }

    ApiResponse create(ApiRequest request) throws ApiException, StoreException {
        JsonNode body = request.jsonBody();
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid network spec: body: must be an object");
        }
        String name = text(body, "Name");
        if (name.isEmpty()) {
            throw ApiException.badRequest("invalid network spec: Name: is required");
        }
        if (!FileObjectRules.NAME.matcher(name).matches() || name.length() > FileObjectRules.MAX_NAME) {
            throw ApiException.badRequest("invalid network spec: Name: invalid name \"" + name + "\"");
        }
        String driver = text(body, "Driver").isEmpty() ? "overlay" : text(body, "Driver");
        if (!driver.equals("overlay")) {
            throw ApiException.badRequest("invalid network spec: Driver: orch supports only the overlay driver, got \"" + driver + "\"");
        }
        String scope = text(body, "Scope");
        if (!scope.isEmpty() && !scope.equals("swarm")) {
            throw ApiException.badRequest("invalid network spec: Scope: orch networks are swarm-scoped, got \"" + scope + "\"");
        }
        if (body.path("Ingress").asBoolean(false) || body.path("ConfigOnly").asBoolean(false)) {
            throw ApiException.badRequest("invalid network spec: ingress and config-only networks are not supported by orch");
        }
        NetworkSpec.Builder spec = NetworkSpec.newBuilder().setName(name).setDriver(driver)
                .setAttachable(body.path("Attachable").asBoolean(false)).setInternal(body.path("Internal").asBoolean(false));
        putStrings(body.path("Labels"), spec::putLabels);
        putStrings(body.path("Options"), spec::putOptions);
        Network network = Network.newBuilder().setId(Ids.newId()).setSpec(spec).build();
        try {
            context.store().updateAndWait(tx -> {
                if (tx.read().networkByName(name).isPresent()) {
                    throw new StoreException(StoreException.Reason.CONFLICT, "exists");
                }
                tx.create(network);
            });
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.CONFLICT) {
                throw ApiException.conflict("network with name " + name + " already exists");
            }
            throw e;
        }
        return ApiResponse.json(HttpResponseStatus.CREATED,
                DockerJson.MAPPER.createObjectNode().put("Id", network.getId()).put("Warning", ""));
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        return ApiResponse.ok(json(StoreReads.read(context.store(), tx -> resolve(tx, input))));
    }

    /** 409 while a service is attached to it. */
    ApiResponse remove(ApiRequest request) throws ApiException, StoreException {
        String input = request.pathParam("id");
        Network network = StoreReads.read(context.store(), tx -> {
            Network n = resolve(tx, input);
            String users = FileObjectRules.usedBy(tx.services(), spec -> spec.getTaskTemplate().getNetworksList()
                    .stream().anyMatch(a -> a.getTarget().equals(n.getId())));
            if (!users.isEmpty()) {
                throw ApiException.conflict("network " + n.getSpec().getName() + " is in use by service " + users);
            }
            return n;
        });
        context.store().updateAndWait(tx -> tx.read().network(network.getId()).ifPresent(tx::delete));
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static void putStrings(JsonNode map, java.util.function.BiConsumer<String, String> put) throws ApiException {
        if (map == null || map.isNull() || map.isMissingNode()) {
            return;
        }
        if (!map.isObject()) {
            throw ApiException.badRequest("invalid network spec: Labels and Options must be objects");
        }
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            put.accept(e.getKey(), e.getValue().asText());
        }
    }
}
