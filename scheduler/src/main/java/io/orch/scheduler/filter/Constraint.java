package io.orch.scheduler.filter;

import io.orch.api.proto.Node;

import java.util.Locale;

/**
 * One parsed placement constraint: a node attribute, == or !=, and a value. Attributes:
 * {@code node.id}, {@code node.hostname}, {@code node.role}, {@code node.platform.os},
 * {@code node.platform.arch}, {@code node.labels.KEY}, {@code engine.labels.KEY}. Labels compare
 * exactly; the other attributes ignore case (as Swarm does). A node without the attribute does
 * not match {@code ==} and does match {@code !=}.
 */
public record Constraint(String key, boolean equal, String value) {
    private static final String NODE_LABELS = "node.labels.";
    private static final String ENGINE_LABELS = "engine.labels.";

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
        if (!known(key)) {
            throw new IllegalArgumentException("invalid constraint \"" + expression + "\": unknown attribute " + key);
        }
        return new Constraint(key, ne < 0, value);
    }

    /**
     * Like {@link #parse}, but a malformed expression becomes a constraint no node meets (keyed by
     * the whole expression), so a bad spec that slipped past the API leaves its tasks pending with
     * the expression in the explanation rather than failing the whole batch.
     */
    public static Constraint parseLenient(String expression) {
        try {
            return parse(expression);
        } catch (IllegalArgumentException e) {
            return new Constraint(expression, true, null);
        }
    }

    private static boolean known(String key) {
        return switch (key) {
            case "node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch" -> true;
            default -> (key.startsWith(NODE_LABELS) && key.length() > NODE_LABELS.length())
                    || (key.startsWith(ENGINE_LABELS) && key.length() > ENGINE_LABELS.length());
        };
    }

    public boolean matches(Node node) {
        if (value == null) {
            return false; // unparseable: never met
        }
        String actual = attribute(node);
        boolean same = actual != null && (isLabel() ? actual.equals(value) : actual.equalsIgnoreCase(value));
        return equal == same;
    }

    /** The attribute the constraint reads from {@code node} (null when the node has none); also used by spread preferences. */
    public String attribute(Node node) {
        return attribute(key, node);
    }

    /** Reads a node attribute named as in constraints ({@code node.labels.zone}, ...); null when absent or unknown. */
    public static String attribute(String key, Node node) {
        switch (key) {
            case "node.id": return node.getId();
            case "node.hostname": return node.getDescription().getHostname();
            case "node.role": return node.getSpec().getRole().name().toLowerCase(Locale.ROOT);
            case "node.platform.os": return node.getDescription().getPlatform().getOs();
            case "node.platform.arch": return node.getDescription().getPlatform().getArchitecture();
            default:
                if (key.startsWith(NODE_LABELS)) {
                    return node.getSpec().getLabelsMap().get(key.substring(NODE_LABELS.length()));
                }
                if (key.startsWith(ENGINE_LABELS)) {
                    return node.getDescription().getEngine().getLabelsMap().get(key.substring(ENGINE_LABELS.length()));
                }
                return null;
        }
    }

    private boolean isLabel() {
        return key.startsWith(NODE_LABELS) || key.startsWith(ENGINE_LABELS);
    }

    /** As the user wrote it, normalised: {@code node.labels.zone==eu}. */
    @Override
    public String toString() {
        return value == null ? key : key + (equal ? "==" : "!=") + value;
    }
}
