package io.orch.cli.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's filter arguments: {@code --filter key=value} flags become the {@code filters} query
 * parameter {@code {"key":{"value":true}}}. Keys are sorted so requests are reproducible.
 */
public final class Filters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, TreeMap<String, Boolean>> terms = new TreeMap<>();

    public static Filters of(List<String> flags) {
        Filters f = new Filters();
        if (flags != null) flags.forEach(f::addFlag);
        return f;
    }

    /** Validates a single {@code key=value} flag value. */
    public static String[] split(String flag) {
        int eq = flag == null ? -1 : flag.indexOf('=');
        if (eq <= 0) throw new InvalidValueException("bad format of filter (expected name=value)");
        return new String[] {flag.substring(0, eq).trim(), flag.substring(eq + 1)};
    }

    public Filters addFlag(String flag) {
        String[] kv = split(flag);
        return add(kv[0], kv[1]);
    }

    public Filters add(String key, String value) {
        terms.computeIfAbsent(key, k -> new TreeMap<>()).put(value, true);
        return this;
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        terms.forEach((k, values) -> {
            ObjectNode v = root.putObject(k);
            values.keySet().forEach(val -> v.put(val, true));
        });
        return root.toString();
    }

    /** {@code filters=<percent-encoded JSON>}, ready to append to a query string. */
    public String toQueryParam() {
        return "filters=" + encode(toJson());
    }

    public static String encode(String s) {
        // URLEncoder is form encoding; %20 keeps spaces unambiguous for any server-side decoder
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
