package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;
import io.orch.runtime.net.overlay.OutboundNat;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.Subscription;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.network.ClusterAddressPools;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.network.NetworkAllocations;
import io.orch.scheduler.network.NewNetwork;
import io.orch.api.model.TaskStates;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code /networks}: swarm-scoped overlay networks (create, list, inspect, remove) in Docker's
 * JSON shape. Creating one allocates its subnet (the user's {@code IPAM.Config}, or the next free
 * one of the cluster's default address pools), gateway and VXLAN id in the creating
 * transaction; tasks and VIPs get their addresses from the manager loops
 * ({@code manager/NetworkAllocation}).
 */
final class NetworkRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "label", "driver", "scope", "type");
    /** Docker's option naming a network's VXLAN id(s), shown as Docker shows it. */
    static final String VXLANID_OPTION = "com.docker.network.driver.overlay.vxlanid_list";
    static final String ENCRYPTED_REFUSED = "invalid network spec: Options.encrypted: encrypted overlay networks are not "
            + "available: this kernel has neither IPsec nor WireGuard, and orch never sends unencrypted what was asked to be encrypted";
    /** A create that lost the race for the cluster object (a concurrent create) is recomputed this many times. */
    private static final int CREATE_ATTEMPTS = 5;
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
        o.put("EnableIPv4", true); // orch's overlay networks are IPv4 networks (API 1.47 shows the flag)
        o.put("EnableIPv6", false);
        ObjectNode ipam = o.putObject("IPAM");
        ipam.put("Driver", "default");
        ipam.putNull("Options");
        ArrayNode configs = ipam.putArray("Config");
        for (IPAMConfig c : n.getIpam().getConfigsList()) {
            ObjectNode config = configs.addObject().put("Subnet", c.getSubnet());
            if (!c.getRange().isEmpty()) {
                config.put("IPRange", c.getRange());
            }
            config.put("Gateway", c.getGateway());
        }
        o.put("Internal", s.getInternal());
        o.put("Attachable", s.getAttachable());
        o.put("Ingress", s.getIngress());
        o.putObject("ConfigFrom").put("Network", "");
        o.put("ConfigOnly", false);
        o.putObject("Containers");
        ObjectNode options = o.putObject("Options");
        s.getOptionsMap().forEach(options::put);
        if (n.getVni() != 0) {
            options.put(VXLANID_OPTION, Integer.toString(n.getVni()));
        }
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
        JsonNode sent = request.jsonBody();
        if (!sent.isObject()) {
            throw ApiException.badRequest("invalid network spec: body: must be an object");
        }
        JsonNode body = NetworkCreateFields.checked((ObjectNode) sent);
        String name = text(body, "Name");
        if (name.isEmpty()) {
            throw ApiException.badRequest("invalid network spec: Name: is required");
        }
        String badName = ObjectNames.dnsNameProblem(name);
        if (badName != null) {
            throw ApiException.badRequest("invalid network spec: Name: " + badName);
        }
        String driver = text(body, "Driver").isEmpty() ? "overlay" : text(body, "Driver");
        if (!driver.equals("overlay")) {
            throw ApiException.badRequest("invalid network spec: Driver: orch supports only the overlay driver, got \"" + driver + "\"");
        }
        String scope = text(body, "Scope");
        if (!scope.isEmpty() && !scope.equals("swarm")) {
            throw ApiException.badRequest("invalid network spec: Scope: orch networks are swarm-scoped, got \"" + scope + "\"");
        }
        if (body.path("ConfigOnly").asBoolean(false)) {
            throw ApiException.badRequest("invalid network spec: ConfigOnly: config-only networks are not supported by orch");
        }
        NetworkSpec.Builder spec = NetworkSpec.newBuilder().setName(name).setDriver(driver)
                .setAttachable(body.path("Attachable").asBoolean(false)).setInternal(body.path("Internal").asBoolean(false))
                .setIngress(body.path("Ingress").asBoolean(false));
        if (spec.getIngress() && spec.getAttachable()) {
            // swarmkit's rule: the routing mesh's network is reached through published ports only
            throw ApiException.badRequest("invalid network spec: Attachable: ingress network cannot be attachable");
        }
        putStrings(body.path("Labels"), spec::putLabels);
        putStrings(body.path("Options"), spec::putOptions);
        if (spec.containsOptions("encrypted")) {
            throw ApiException.badRequest(ENCRYPTED_REFUSED);
        }
        String masquerade = spec.getOptionsOrDefault(OutboundNat.MASQUERADE_OPTION, "true").trim();
        if (!masquerade.equalsIgnoreCase("true") && !masquerade.equalsIgnoreCase("false")) {
            throw ApiException.badRequest("invalid network spec: Options." + OutboundNat.MASQUERADE_OPTION
                    + ": must be true or false, got \"" + masquerade + "\"");
        }
        spec.setIpam(ipam(body.get("IPAM")));
        LabelLimits.check("invalid network spec: ", spec.build());
        try {
            NewNetwork.validate(spec.build()); // syntax first: a bad spec never waits for the store
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid network spec: " + e.getMessage());
        }
        Network network = createAllocated(Network.newBuilder().setId(Ids.newId()).setSpec(spec).build());
        return ApiResponse.json(HttpResponseStatus.CREATED,
                DockerJson.MAPPER.createObjectNode().put("Id", network.getId())
                        .put("Warning", NetworkCreateFields.warning(network.getSpec())));
    }

    /**
     * Stores the network with its subnet, gateway and VNI, chosen against every other network in
     * the same transaction. That transaction also rewrites the Cluster object (version-checked,
     * content unchanged): two concurrent creates both do, so the second is rejected and chooses
     * again instead of taking the same subnet or VNI.
     */
    private Network createAllocated(Network network) throws ApiException, StoreException {
        String name = network.getSpec().getName();
        for (int attempt = 1; ; attempt++) {
            Network[] created = {null};
            ApiException[] refused = {null};
            try {
                context.store().updateAndWait(tx -> {
                    ReadTx read = tx.read();
                    if (read.networkByName(name).isPresent()) {
                        refused[0] = ApiException.conflict("network with name " + name + " already exists");
                        return;
                    }
                    Network ingress = network.getSpec().getIngress() ? NetworkAllocations.ingress(read.networks()).orElse(null) : null;
                    if (ingress != null) {
                        // swarmkit's words: a cluster has one routing mesh
                        refused[0] = ApiException.conflict("ingress network (" + ingress.getId() + ") is already present");
                        return;
                    }
                    Cluster cluster = read.cluster().orElse(null);
                    NewNetwork.Allocation allocation;
                    try {
                        allocation = NewNetwork.allocate(network.getSpec(), read.networks(),
                                ClusterAddressPools.pools(cluster), ClusterAddressPools.subnetSize(cluster));
                    } catch (IllegalArgumentException e) {
                        refused[0] = ApiException.badRequest("invalid network spec: " + e.getMessage());
                        return;
                    } catch (NewNetwork.ExhaustedException e) {
                        refused[0] = ApiException.unavailable("cannot create network " + name + ": " + e.getMessage());
                        return;
                    }
                    if (cluster != null) {
                        tx.update(cluster); // the lock; see above
                    }
                    created[0] = network.toBuilder().setIpam(allocation.ipam()).setVni(allocation.vni()).build();
                    tx.create(created[0]);
                });
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.CONFLICT && attempt < CREATE_ATTEMPTS) {
                    continue; // a concurrent create or cluster update won; choose again from the new state
                }
                if (e.reason() == StoreException.Reason.CONFLICT) {
                    throw ApiException.conflict("network " + name + " was not created: concurrent changes kept winning, try again");
                }
                throw e;
            }
            if (refused[0] != null) {
                throw refused[0];
            }
            return created[0];
        }
    }

    /** Docker's IPAM object ({@code {"Driver", "Options", "Config": [{"Subnet", "IPRange", "Gateway"}]}}), null for none. */
    private static IPAMOptions ipam(JsonNode ipam) throws ApiException {
        IPAMOptions.Builder out = IPAMOptions.newBuilder();
        if (ipam == null || ipam.isNull()) {
            return out.build();
        }
        if (!ipam.isObject()) {
            throw ApiException.badRequest("invalid network spec: IPAM: must be an object");
        }
        out.setDriver(text(ipam, "Driver"));
        JsonNode options = ipam.get("Options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiException.badRequest("invalid network spec: IPAM.Options: must be an object");
            }
            options.fields().forEachRemaining(e -> out.putOptions(e.getKey(), e.getValue().asText()));
        }
        JsonNode configs = ipam.get("Config");
        if (configs == null || configs.isNull()) {
            return out.build();
        }
        if (!configs.isArray()) {
            throw ApiException.badRequest("invalid network spec: IPAM.Config: must be an array");
        }
        for (int i = 0; i < configs.size(); i++) {
            JsonNode c = configs.get(i);
            if (!c.isObject()) {
                throw ApiException.badRequest("invalid network spec: IPAM.Config[" + i + "]: must be an object");
            }
            out.addConfigs(IPAMConfig.newBuilder().setSubnet(text(c, "Subnet")).setRange(text(c, "IPRange"))
                    .setGateway(text(c, "Gateway")));
        }
        return out.build();
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        return ApiResponse.ok(json(StoreReads.read(context.store(), tx -> resolve(tx, input))));
    }

    /**
     * 409 while a service is attached to it, or while a task that has not finished still holds
     * an address on it (a removed service's tasks keep theirs until they stopped). Checked in
     * the deleting transaction, and the delete is version-checked: an allocation on the network
     * in between rewrites it, so the delete is rejected and checked again.
     */
    /** The stop grace period of a task (10 s by default) and its kill, with room to spare. */
    static final Duration LEAVING_TASKS_WAIT = Duration.ofSeconds(30);

    ApiResponse remove(ApiRequest request) throws ApiException, StoreException {
        String input = request.pathParam("id");
        String id = StoreReads.read(context.store(), tx -> resolve(tx, input)).getId();
        awaitLeavingTasks(id);
        for (int attempt = 1; ; attempt++) {
            ApiException[] refused = {null};
            try {
                context.store().updateAndWait(tx -> {
                    ReadTx read = tx.read();
                    Network n = read.network(id).orElse(null);
                    if (n == null) {
                        return;
                    }
                    refused[0] = inUse(read, n);
                    if (refused[0] == null) {
                        tx.delete(n);
                    }
                });
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.CONFLICT && attempt < CREATE_ATTEMPTS) {
                    continue;
                }
                throw e;
            }
            if (refused[0] != null) {
                throw refused[0];
            }
            return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
        }
    }

    /**
     * {@code docker stack rm} removes a stack's networks right after its services, while their
     * tasks are still stopping (a container has its stop grace period) and hold their addresses.
     * When only such leaving tasks hold the network, the removal waits for them (bounded), so the
     * network goes instead of answering "in use" to a command that asked for everything to go.
     * A network a service still uses, or a live task holds, is refused at once.
     */
    private void awaitLeavingTasks(String networkId) throws ApiException {
        long deadline = System.nanoTime() + LEAVING_TASKS_WAIT.toNanos();
        try (Subscription tasks = context.store().watch(e -> e.kind() == ObjectKind.TASK)) {
            while (System.nanoTime() < deadline && context.store().read(r -> onlyLeavingTasksHold(r, networkId))) {
                tasks.pollAll(Duration.ofMillis(500)); // wakes on the next task change
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for the network's tasks to stop");
        }
    }

    private static boolean onlyLeavingTasksHold(ReadTx read, String networkId) {
        boolean held = false;
        for (Task t : read.tasks()) {
            if (TaskStates.finished(t) || t.getNetworksAttachmentsList().stream().noneMatch(a -> a.getNetwork().getId().equals(networkId))) {
                continue;
            }
            if (TaskStates.live(t) && read.service(t.getServiceId()).isPresent()) {
                return false;
            }
            held = true;
        }
        return held && read.services().stream().noneMatch(s -> s.getSpec().getTaskTemplate().getNetworksList().stream()
                .anyMatch(a -> a.getTarget().equals(networkId)));
    }

    private static ApiException inUse(ReadTx read, Network n) {
        if (n.getSpec().getIngress()) {
            // services join the ingress network through their published ports, not their spec's networks
            for (Service s : read.services()) {
                if (IngressPorts.needsIngress(s)) {
                    return ApiException.badRequest("ingress network cannot be removed because service " + s.getId() + " depends on it");
                }
            }
        }
        String users = FileObjectRules.usedBy(read.services(), spec -> spec.getTaskTemplate().getNetworksList()
                .stream().anyMatch(a -> a.getTarget().equals(n.getId())));
        if (!users.isEmpty()) {
            return ApiException.conflict("network " + n.getSpec().getName() + " is in use by service " + users);
        }
        for (Task t : read.tasks()) {
            if (!TaskStates.finished(t) && t.getNetworksAttachmentsList().stream()
                    .anyMatch(a -> a.getNetwork().getId().equals(n.getId()))) {
                return ApiException.conflict("network " + n.getSpec().getName() + " is in use by task " + t.getId());
            }
        }
        return null;
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
