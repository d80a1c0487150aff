package io.orch.cli.parse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code --generic-resource kind=value}: a number is a discrete resource ({"DiscreteResourceSpec":
 * {"Kind","Value"}}), anything else a named one ({"NamedResourceSpec":{"Kind","Value"}}), as
 * swarmkit's ParseGenericResources.
 */
public final class GenericResources {
    private GenericResources() {}

    public static ObjectNode parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) throw new InvalidValueException("invalid generic resource specification: expected KIND=VALUE");
        String kind = text.substring(0, eq).trim();
        String value = text.substring(eq + 1).trim();
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        try {
            long n = Long.parseLong(value);
            if (n < 0) throw new InvalidValueException("invalid generic resource specification: negative value");
            r.putObject("DiscreteResourceSpec").put("Kind", kind).put("Value", n);
        } catch (NumberFormatException e) {
            r.putObject("NamedResourceSpec").put("Kind", kind).put("Value", value);
        }
        return r;
    }

    /** The Kind of a GenericResources entry, whichever form it has. */
    public static String kind(com.fasterxml.jackson.databind.JsonNode resource) {
        com.fasterxml.jackson.databind.JsonNode d = resource.path("DiscreteResourceSpec");
        return d.isObject() ? d.path("Kind").asText() : resource.path("NamedResourceSpec").path("Kind").asText();
    }
}
