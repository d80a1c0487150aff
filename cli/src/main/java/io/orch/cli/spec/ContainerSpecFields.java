package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Capabilities;
import io.orch.cli.parse.FileReferences.FileReference;
import io.orch.cli.parse.KeyValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link ContainerOptions} and {@link ContainerListOptions} of {@code service create} into a
 * TaskTemplate, in the fields docker's ToService fills; a field is only written when its flag
 * was given (docker's omitempty). Pure.
 */
public final class ContainerSpecFields {
    private ContainerSpecFields() {}

    public static void apply(ObjectNode tt, ContainerOptions c, ContainerListOptions l) {
        ObjectNode cs = RolloutSpecs.object(tt, "ContainerSpec");
        applyScalars(tt, cs, c, true);
        if (!l.groups.isEmpty()) strings(cs.putArray("Groups"), l.groups);
        if (!l.dns.isEmpty() || !l.dnsOptions.isEmpty() || !l.dnsSearch.isEmpty()) {
            ObjectNode dns = cs.putObject("DNSConfig");
            if (!l.dns.isEmpty()) strings(dns.putArray("Nameservers"), l.dns);
            if (!l.dnsSearch.isEmpty()) strings(dns.putArray("Search"), l.dnsSearch);
            if (!l.dnsOptions.isEmpty()) strings(dns.putArray("Options"), l.dnsOptions);
        }
        if (!l.hosts.isEmpty()) strings(cs.putArray("Hosts"), l.hosts);
        if (!l.sysctls.isEmpty()) KeyValues.toMap(l.sysctls).forEach(RolloutSpecs.object(cs, "Sysctls")::put);
        if (!l.ulimits.isEmpty()) cs.putArray("Ulimits").addAll(l.ulimits);
        if (!l.mounts.isEmpty()) cs.putArray("Mounts").addAll(l.mounts);
        if (!l.secrets.isEmpty()) {
            ArrayNode out = cs.putArray("Secrets");
            for (FileReference r : l.secrets) out.add(reference(r, "Secret", "--secret", l.secretIds));
        }
        if (!l.configs.isEmpty()) {
            ArrayNode out = cs.putArray("Configs");
            for (FileReference r : l.configs) out.add(reference(r, "Config", "--config", l.configIds));
        }
        if (!l.genericResources.isEmpty()) {
            RolloutSpecs.object(RolloutSpecs.object(tt, "Resources"), "Reservations").putArray("GenericResources").addAll(l.genericResources);
        }
    }

    /**
     * The single-valued flags, for create and update alike. On create, capabilities are the
     * effective add/drop lists; on update they are merged with the stored ones by the caller.
     */
    static void applyScalars(ObjectNode tt, ObjectNode cs, ContainerOptions c, boolean create) {
        if (!c.logOpts.isEmpty() && c.logDriver == null) {
            // docker drops --log-opt without --log-driver; orch never ignores a setting silently
            throw new ServiceSpecBuilder.InvalidCombinationException("--log-opt", "--log-opt needs --log-driver");
        }
        if (c.logDriver != null && !c.logDriver.isEmpty()) {
            ObjectNode driver = tt.putObject("LogDriver").put("Name", c.logDriver);
            if (!c.logOpts.isEmpty()) KeyValues.toMap(c.logOpts).forEach(driver.putObject("Options")::put);
        }
        if (create && (!c.capAdd.isEmpty() || !c.capDrop.isEmpty())) {
            Capabilities.Effective caps = Capabilities.effective(c.capAdd, c.capDrop);
            if (!caps.add().isEmpty()) strings(cs.putArray("CapabilityAdd"), caps.add());
            if (!caps.drop().isEmpty()) strings(cs.putArray("CapabilityDrop"), caps.drop());
        }
        if (c.credentialSpec != null) {
            ObjectNode cred = RolloutSpecs.object(cs, "Privileges").putObject("CredentialSpec");
            if (!c.credentialSpec.isEmpty()) {
                int sep = c.credentialSpec.indexOf("://");
                String kind = c.credentialSpec.substring(0, sep);
                String value = c.credentialSpec.substring(sep + 3);
                cred.put(kind.equals("file") ? "File" : kind.equals("registry") ? "Registry" : "Config", value);
            }
        }
        if (c.init != null) cs.put("Init", c.init);
        if (c.isolation != null) cs.put("Isolation", c.isolation);
        if (c.oomScoreAdj != null) cs.put("OomScoreAdj", c.oomScoreAdj);
        if (c.readOnly != null) cs.put("ReadOnly", c.readOnly);
        if (c.tty != null) cs.put("TTY", c.tty);
    }

    /** One SecretReference / ConfigReference, with the ID the command looked up by name. */
    static ObjectNode reference(FileReference r, String kind, String flag, Map<String, String> ids) {
        String id = ids.get(r.source());
        if (id == null) {
            throw new ServiceSpecBuilder.InvalidCombinationException(flag, kind.toLowerCase(java.util.Locale.ROOT) + " not found: " + r.source());
        }
        ObjectNode ref = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        ref.putObject("File").put("Name", r.target()).put("UID", r.uid()).put("GID", r.gid()).put("Mode", r.mode());
        ref.put(kind + "ID", id).put(kind + "Name", r.source());
        return ref;
    }

    /** --env-file lines, then -e: a later KEY replaces an earlier one and moves to the end, as docker. */
    public static List<String> mergeEnv(List<String> fromFiles, List<String> env) {
        Map<String, String> byKey = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(fromFiles);
        all.addAll(env);
        for (String e : all) {
            int eq = e.indexOf('=');
            String key = eq < 0 ? e : e.substring(0, eq);
            byKey.remove(key);
            byKey.put(key, e);
        }
        return new ArrayList<>(byKey.values());
    }

    static void strings(ArrayNode array, List<String> items) {
        items.forEach(array::add);
    }
}
