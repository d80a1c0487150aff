package io.orch.scheduler.filter;

import io.orch.api.proto.Node;

import java.util.Locale;

/** One parsed placement constraint: a node attribute, == or !=, and a value. */
public record Constraint(String key, boolean equal, String value) {

    /** Parses {@code key==value} or {@code key!=value}; throws IllegalArgumentException naming the problem. */
    public static Constraint parse(String expression) {
        int ne = expression.indexOf("!=");
        int eq = expression.indexOf("==");
        int at = ne >= 0 ? ne : eq;
        if (at <= 0) {
            throw new IllegalArgumentException("invalid constraint \"" + expression + "\": expected KEY==VALUE or KEY!=VALUE");
        }
        String key = expression.substring(0, at).trim();
        String value = expression.substring(at + 2).trim();
        if (!key.startsWith("node.") && !key.startsWith("engine.labels.")) {
            throw new IllegalArgumentException("invalid constraint \"" + expression + "\": unknown attribute " + key);
        }
        return new Constraint(key, ne < 0, value);
    }

    public boolean matches(Node node) {
        String actual = attribute(node);
        boolean same = actual != null && (key.startsWith("node.labels.") || key.startsWith("engine.labels.")
                ? actual.equals(value) : actual.equalsIgnoreCase(value));
        return equal == same;
    }

    private String attribute(Node node) {
        switch (key) {
            case "node.id": return node.getId();
            case "node.hostname": return node.getDescription().getHostname();
            case "node.role": return node.getSpec().getRole().name().toLowerCase(Locale.ROOT);
            case "node.platform.os": return node.getDescription().getPlatform().getOs();
            case "node.platform.arch": return node.getDescription().getPlatform().getArchitecture();
            default:
                if (key.startsWith("node.labels.")) {
                    return node.getSpec().getLabelsMap().get(key.substring("node.labels.".length()));
                }
                if (key.startsWith("engine.labels.")) {
                    return node.getDescription().getEngine().getLabelsMap().get(key.substring("engine.labels.".length()));
                }
                return null;
        }
    }
}
