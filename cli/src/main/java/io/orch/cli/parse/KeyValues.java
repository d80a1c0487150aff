package io.orch.cli.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code -l key=value} style lists into a map; a bare {@code key} means an empty value, as in docker. */
public final class KeyValues {
    private KeyValues() {}

    public static Map<String, String> toMap(List<String> items) {
        Map<String, String> map = new LinkedHashMap<>();
        if (items == null) return map;
        for (String item : items) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            if (key.isBlank()) throw new InvalidValueException("invalid label \"" + item + "\": empty key");
            map.put(key, eq < 0 ? "" : item.substring(eq + 1));
        }
        return map;
    }
}
