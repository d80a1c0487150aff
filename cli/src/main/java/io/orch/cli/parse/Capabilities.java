package io.orch.cli.parse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * --cap-add/--cap-drop as docker normalizes them (opts.EffectiveCapAddCapDrop): upper case with a
 * CAP_ prefix, duplicates dropped, "ALL" alone when present, and adding wins over dropping.
 */
public final class Capabilities {
    public static final String ALL = "ALL";

    private Capabilities() {}

    public record Effective(List<String> add, List<String> drop) {}

    public static Effective effective(List<String> add, List<String> drop) {
        List<String> a = normalize(add);
        List<String> d = normalize(drop);
        if (a.contains(ALL)) a = List.of(ALL);
        if (d.contains(ALL)) d = List.of(ALL);
        List<String> finalAdd = a;
        List<String> dropped = new ArrayList<>(d);
        dropped.removeIf(finalAdd::contains);
        return new Effective(a, dropped);
    }

    public static List<String> normalize(List<String> caps) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : caps) out.add(normalize(c));
        return new ArrayList<>(out);
    }

    public static String normalize(String cap) {
        String c = cap.trim().toUpperCase(Locale.ROOT);
        if (c.isEmpty()) throw new InvalidValueException("empty capability");
        if (c.equals(ALL) || c.startsWith("CAP_")) return c;
        return "CAP_" + c;
    }
}
