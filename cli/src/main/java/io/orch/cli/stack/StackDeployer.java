package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.ServiceSpec;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.CliException;
import io.orch.cli.client.DockerApi;
import io.orch.cli.parse.Filters;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code stack deploy}: the requests {@code docker stack deploy} makes, in its order. Everything
 * that can fail without writing (reading secret files, external objects that must exist, the
 * node being a manager) is checked first; then networks, secrets and configs are created (or
 * their labels refreshed), and services created or updated. Unlike docker, a service whose spec
 * did not change is left alone, so a redeploy restarts only what changed.
 */
public final class StackDeployer {
    private final DockerApi api;
    private final PrintWriter out;

    public StackDeployer(DockerApi api, PrintWriter out) {
        this.api = api;
        this.out = out;
    }

    /** What the deploy did to each service: its ID, and whether it was created or updated (to wait on). */
    public record Result(List<String> changedServiceIds) {}

    public Result deploy(StackFile stack, String namespace, boolean prune) {
        StackConverter convert = new StackConverter(stack, namespace);
        // ---- checks and reads, no writes
        JsonNode info = api.info();
        if (!info.path("Swarm").path("ControlAvailable").asBoolean(false)) {
            throw new CliException(1, "Error: this node is not a swarm manager. Use \"orch init\" or run the command on a manager node.");
        }
        List<StackConverter.NetworkPlan> networks = convert.networks();
        List<StackConverter.FilePlan> secrets = convert.secrets();
        List<StackConverter.FilePlan> configs = convert.configs();
        Filters byNamespace = new Filters().add("label", StackConverter.NAMESPACE_LABEL + "=" + namespace);
        Map<String, String> networkIds = new HashMap<>();
        for (JsonNode n : api.get("/networks?" + byNamespace.toQueryParam())) {
            networkIds.put(n.path("Name").asText(), n.path("Id").asText());
        }
        for (StackConverter.NetworkPlan n : networks) {
            if (n.external()) {
                networkIds.put(n.name(), mustExist("/networks/", n.name(), "network", "Id"));
            }
        }
        for (StackConverter.FilePlan s : secrets) {
            if (s.external()) mustExist("/secrets/", s.name(), "secret", "ID");
        }
        for (StackConverter.FilePlan c : configs) {
            if (c.external()) mustExist("/configs/", c.name(), "config", "ID");
        }

        // ---- writes
        for (StackConverter.NetworkPlan n : networks) {
            if (n.external() || networkIds.containsKey(n.name())) {
                continue;
            }
            out.println("Creating network " + n.name());
            JsonNode created = api.post("/networks/create", n.createBody());
            networkIds.put(n.name(), created.path("Id").asText());
        }
        upsert("secret", "/secrets/", secrets);
        upsert("config", "/configs/", configs);

        Map<String, JsonNode> existing = new HashMap<>();
        Map<String, String> secretIds = new HashMap<>();
        Map<String, String> configIds = new HashMap<>();
        List<ObjectNode> specs = new ArrayList<>();
        for (String key : convert.serviceKeys()) {
            secretIds.putAll(ids("/secrets", convert.referencedNames(key, "secrets")));
            configIds.putAll(ids("/configs", convert.referencedNames(key, "configs")));
            specs.add(convert.service(key, secretIds, configIds));
        }
        for (JsonNode s : api.services(byNamespace, false)) {
            existing.put(s.path("Spec").path("Name").asText(), s);
        }
        List<String> changed = new ArrayList<>();
        Set<String> wanted = new HashSet<>();
        for (ObjectNode spec : specs) {
            String name = spec.get("Name").asText();
            wanted.add(name);
            JsonNode current = existing.get(name);
            if (current == null) {
                out.println("Creating service " + name);
                changed.add(api.createService(spec));
            } else if (!sameSpec(spec, current.path("Spec"), networkIds)) {
                String id = current.path("ID").asText();
                out.println("Updating service " + name + " (id: " + id + ")");
                api.updateService(id, current.path("Version").path("Index").asLong(), spec);
                changed.add(id);
            }
        }
        if (prune) {
            for (Map.Entry<String, JsonNode> e : existing.entrySet()) {
                if (!wanted.contains(e.getKey())) {
                    out.println("Removing service " + e.getKey());
                    api.removeService(e.getValue().path("ID").asText());
                }
            }
        }
        out.flush();
        return new Result(changed);
    }

    private String mustExist(String path, String name, String kind, String idField) {
        try {
            return api.get(path + Filters.encode(name)).path(idField).asText();
        } catch (ApiException e) {
            if (e.notFound()) {
                throw new CliException(1, "Error: " + kind + " " + name + " is declared as external, but could not be found. "
                        + "Create it first (orch " + kind + " create ...)");
            }
            throw e;
        }
    }

    /** Creates a secret/config, or re-sends it with its labels (the data must not change: the server refuses). */
    private void upsert(String kind, String path, List<StackConverter.FilePlan> plans) {
        for (StackConverter.FilePlan p : plans) {
            if (p.external()) {
                continue;
            }
            JsonNode current;
            try {
                current = api.get(path + Filters.encode(p.name()));
            } catch (ApiException e) {
                if (!e.notFound()) throw e;
                out.println("Creating " + kind + " " + p.name());
                api.post(path + "create", p.createBody());
                continue;
            }
            out.println("Updating " + kind + " " + p.name());
            api.post(path + Filters.encode(current.path("ID").asText()) + "/update?version="
                    + current.path("Version").path("Index").asLong(), p.createBody());
        }
    }

    private Map<String, String> ids(String path, List<String> names) {
        Map<String, String> out = new HashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        Filters f = new Filters();
        names.forEach(n -> f.add("name", n));
        for (JsonNode o : api.get(path + "?" + f.toQueryParam())) {
            out.put(o.path("Spec").path("Name").asText(), o.path("ID").asText());
        }
        for (String n : names) {
            if (!out.containsKey(n)) {
                throw new CliException(1, "Error: " + path.substring(1, path.length() - 1) + " not found: " + n);
            }
        }
        return out;
    }

    /**
     * Whether the service already has this spec, compared as the server stores it: both sides
     * through the proto model (fields the server does not keep drop out), with network names
     * replaced by the IDs the server resolves them to.
     */
    static boolean sameSpec(ObjectNode wanted, JsonNode current, Map<String, String> networkIds) {
        try {
            ServiceSpec.Builder w = DockerJson.merge(wanted, ServiceSpec.newBuilder());
            var task = w.getTaskTemplateBuilder();
            for (int i = 0; i < task.getNetworksCount(); i++) {
                NetworkAttachmentConfig n = task.getNetworks(i);
                task.setNetworks(i, n.toBuilder().setTarget(networkIds.getOrDefault(n.getTarget(), n.getTarget())));
            }
            ServiceSpec c = DockerJson.merge(current, ServiceSpec.newBuilder()).build();
            return w.build().equals(c);
        } catch (JsonModelException e) {
            return false;
        }
    }
}
