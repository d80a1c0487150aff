package io.orch.cli.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Capabilities;
import io.orch.cli.parse.ExtraHosts;
import io.orch.cli.parse.FileReferences.FileReference;
import io.orch.cli.parse.GenericResources;
import io.orch.cli.parse.KeyValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The container-level flags of {@code service update} applied to the stored spec as docker's
 * update.go does: each {@code -rm} removes, each {@code -add} adds or replaces (by key, target
 * or name), and lists docker sorts (groups, DNS, ulimits, mounts, capabilities) stay sorted so
 * that re-running the same update changes nothing. Pure.
 */
final class ContainerSpecUpdates {
    private ContainerSpecUpdates() {}

    static void apply(ObjectNode spec, ObjectNode tt, ObjectNode cs, ServiceUpdateOptions o) {
        ContainerOptions c = o.container;
        ContainerListUpdateOptions l = o.lists;
        o.task.applyTo(tt, cs);
        if (o.entrypoint != null) {
            List<String> words = ServiceSpecBuilder.splitWords(o.entrypoint);
            if (words.isEmpty()) cs.remove("Command"); else ContainerSpecFields.strings(cs.putArray("Command"), words);
        }
        if (c.maxConcurrent != null) {
            if (!(spec.path("Mode").get("ReplicatedJob") instanceof ObjectNode job)) {
                throw new ServiceSpecBuilder.InvalidCombinationException("--max-concurrent", "max-concurrent can only be used with replicated-job mode");
            }
            job.put("MaxConcurrent", c.maxConcurrent);
        }
        ContainerSpecFields.applyScalars(tt, cs, c, false);
        if (!c.capAdd.isEmpty() || !c.capDrop.isEmpty()) updateCapabilities(cs, c.capAdd, c.capDrop);

        updateMap(spec, "Labels", l.labelAdd, l.labelRm);
        updateMap(cs, "Labels", l.containerLabelAdd, l.containerLabelRm);
        updateMap(cs, "Sysctls", l.sysctlAdd, l.sysctlRm);
        if (!l.groupAdd.isEmpty() || !l.groupRm.isEmpty()) {
            List<String> groups = texts(cs.path("Groups"));
            groups.addAll(l.groupAdd);
            groups.removeAll(l.groupRm);
            ContainerSpecFields.strings(cs.putArray("Groups"), new ArrayList<>(new TreeSet<>(groups)));
        }
        if (!l.dnsAdd.isEmpty() || !l.dnsRm.isEmpty() || !l.dnsOptionAdd.isEmpty() || !l.dnsOptionRm.isEmpty()
                || !l.dnsSearchAdd.isEmpty() || !l.dnsSearchRm.isEmpty()) {
            ObjectNode dns = RolloutSpecs.object(cs, "DNSConfig");
            sortedSet(dns, "Nameservers", l.dnsAdd, l.dnsRm);
            sortedSet(dns, "Search", l.dnsSearchAdd, l.dnsSearchRm);
            sortedSet(dns, "Options", l.dnsOptionAdd, l.dnsOptionRm);
        }
        if (!l.hostAdd.isEmpty() || !l.hostRm.isEmpty()) {
            List<String> hosts = texts(cs.path("Hosts"));
            for (String rm : l.hostRm) {
                // "name" removes every entry of that name, "name:ip" only that mapping
                boolean withIp = rm.contains(":") || rm.contains("=");
                String entry = withIp ? ExtraHosts.toSwarm(rm) : null;
                hosts.removeIf(h -> withIp ? h.equals(entry) : ExtraHosts.hostOf(h).equals(rm));
            }
            l.hostAdd.stream().filter(h -> !hosts.contains(h)).forEach(hosts::add);
            ContainerSpecFields.strings(cs.putArray("Hosts"), hosts);
        }
        if (!l.ulimitAdd.isEmpty() || !l.ulimitRm.isEmpty()) {
            replaceByKey(cs, "Ulimits", l.ulimitAdd, l.ulimitRm, u -> u.path("Name").asText(), true);
        }
        if (!l.mountAdd.isEmpty() || !l.mountRm.isEmpty()) {
            replaceByKey(cs, "Mounts", l.mountAdd, l.mountRm, m -> m.path("Target").asText(), false);
            List<JsonNode> mounts = new ArrayList<>();
            cs.path("Mounts").forEach(mounts::add);
            mounts.sort(Comparator.comparing((JsonNode m) -> m.path("Source").asText()).thenComparing(m -> m.path("Target").asText()));
            cs.putArray("Mounts").addAll(mounts);
        }
        if (!l.secretAdd.isEmpty() || !l.secretRm.isEmpty()) {
            updateReferences(cs, "Secret", "--secret-add", l.secretAdd, l.secretRm, l.secretIds);
        }
        if (!l.configAdd.isEmpty() || !l.configRm.isEmpty()) {
            updateReferences(cs, "Config", "--config-add", l.configAdd, l.configRm, l.configIds);
        }
        if (!l.genericResourceAdd.isEmpty() || !l.genericResourceRm.isEmpty()) {
            ObjectNode res = RolloutSpecs.object(RolloutSpecs.object(tt, "Resources"), "Reservations");
            replaceByKey(res, "GenericResources", l.genericResourceAdd, l.genericResourceRm, GenericResources::kind, false);
        }
    }

    /**
     * docker's updateCapabilities: a capability added that was dropped is only taken off the
     * drop list (and vice versa); otherwise it joins its list. ALL alone replaces a list.
     */
    private static void updateCapabilities(ObjectNode cs, List<String> add, List<String> drop) {
        Capabilities.Effective given = Capabilities.effective(add, drop);
        TreeSet<String> adds = new TreeSet<>(Capabilities.normalize(texts(cs.path("CapabilityAdd"))));
        TreeSet<String> drops = new TreeSet<>(Capabilities.normalize(texts(cs.path("CapabilityDrop"))));
        for (String cap : given.add()) {
            if (drops.contains(cap)) drops.remove(cap); else adds.add(cap);
        }
        for (String cap : given.drop()) {
            if (adds.contains(cap)) adds.remove(cap); else drops.add(cap);
        }
        if (adds.contains(Capabilities.ALL)) adds.retainAll(List.of(Capabilities.ALL));
        if (drops.contains(Capabilities.ALL)) drops.retainAll(List.of(Capabilities.ALL));
        setOrRemove(cs, "CapabilityAdd", new ArrayList<>(adds));
        setOrRemove(cs, "CapabilityDrop", new ArrayList<>(drops));
    }

    private static void updateReferences(ObjectNode cs, String kind, String flag, List<FileReference> add, List<String> rm, Map<String, String> ids) {
        String field = kind + "s";
        List<JsonNode> refs = new ArrayList<>();
        cs.path(field).forEach(refs::add);
        refs.removeIf(r -> rm.contains(r.path(kind + "Name").asText()) || rm.contains(r.path(kind + "ID").asText()));
        for (FileReference r : add) {
            ObjectNode ref = ContainerSpecFields.reference(r, kind, flag, ids);
            refs.removeIf(x -> x.path("File").path("Name").asText().equals(r.target()));
            refs.add(ref);
        }
        cs.putArray(field).addAll(refs);
    }

    private static void updateMap(ObjectNode parent, String field, List<String> add, List<String> rm) {
        if (add.isEmpty() && rm.isEmpty()) return;
        Map<String, String> map = new LinkedHashMap<>();
        parent.path(field).fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        rm.forEach(k -> map.remove(k.contains("=") ? k.substring(0, k.indexOf('=')) : k));
        map.putAll(KeyValues.toMap(add));
        ObjectNode out = parent.putObject(field);
        map.forEach(out::put);
    }

    private static void sortedSet(ObjectNode parent, String field, List<String> add, List<String> rm) {
        if (add.isEmpty() && rm.isEmpty()) return;
        TreeSet<String> values = new TreeSet<>(texts(parent.path(field)));
        values.addAll(add);
        values.removeAll(rm);
        setOrRemove(parent, field, new ArrayList<>(values));
    }

    /** Entries keyed by {@code key}: removed when their key is in {@code rm}, replaced by an added entry of the same key. */
    private static void replaceByKey(ObjectNode parent, String field, List<ObjectNode> add, List<String> rm,
                                     Function<JsonNode, String> key, boolean sortByKey) {
        Map<String, JsonNode> byKey = sortByKey ? new TreeMap<>() : new LinkedHashMap<>();
        parent.path(field).forEach(n -> byKey.put(key.apply(n), n));
        rm.forEach(byKey::remove);
        add.forEach(n -> {
            byKey.remove(key.apply(n));
            byKey.put(key.apply(n), n);
        });
        parent.putArray(field).addAll(byKey.values());
    }

    private static void setOrRemove(ObjectNode parent, String field, List<String> values) {
        if (values.isEmpty()) parent.remove(field); else ContainerSpecFields.strings(parent.putArray(field), values);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
