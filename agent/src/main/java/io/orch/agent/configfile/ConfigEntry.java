package io.orch.agent.configfile;

import java.util.List;

/**
 * One key of a config file: its values as written (one for a scalar, each item of a sequence),
 * whether it was written as a list, as a YAML boolean, and where the key and its value are.
 */
public record ConfigEntry(String key, List<String> values, boolean list, boolean yamlBoolean,
                          int line, int column, int valueLine, int valueColumn) {
}
