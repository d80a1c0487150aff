package io.orch.cli.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --network} in docker's two syntaxes: a network name, or the long form
 * {@code name=NET[,alias=A]...[,driver-opt=K=V]...}; field for field the API's
 * TaskTemplate.Networks[] entry (Target, Aliases, DriverOpts).
 */
public record NetworkAttachmentSpec(String target, List<String> aliases, Map<String, String> driverOpts) {
    public NetworkAttachmentSpec {
        aliases = List.copyOf(aliases);
        driverOpts = Map.copyOf(driverOpts);
    }

    public static NetworkAttachmentSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("invalid network: empty");
        }
        if (!text.contains("=")) {
            return new NetworkAttachmentSpec(text.trim(), List.of(), Map.of());
        }
        String target = null;
        List<String> aliases = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        for (String field : text.split(",")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new InvalidValueException("invalid network field \"" + field + "\": expected key=value");
            }
            String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(eq + 1).trim();
            switch (key) {
                case "name", "target" -> target = value;
                case "alias" -> aliases.add(value);
                case "driver-opt" -> {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        throw new InvalidValueException("invalid driver-opt \"" + value + "\": expected key=value");
                    }
                    opts.put(value.substring(0, kv), value.substring(kv + 1));
                }
                default -> throw new InvalidValueException("invalid network field \"" + key
                        + "\": expected name, alias or driver-opt");
            }
        }
        if (target == null || target.isEmpty()) {
            throw new InvalidValueException("invalid network \"" + text + "\": missing name=");
        }
        return new NetworkAttachmentSpec(target, aliases, opts);
    }
}
