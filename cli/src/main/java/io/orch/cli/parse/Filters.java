package io.orch.cli.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
    // jackson-core's generator, not an ObjectMapper: `service ls` and the other list commands build
    // their query here, and a mapper costs a CLI run ~45 ms to start (JsonTreeReader)
    private static final JsonFactory JSON = new JsonFactory();
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
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, TreeMap<String, Boolean>> term : terms.entrySet()) {
                json.writeObjectFieldStart(term.getKey());
                for (String value : term.getValue().keySet()) {
                    json.writeBooleanField(value, true);
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
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
