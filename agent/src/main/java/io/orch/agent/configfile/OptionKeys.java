package io.orch.agent.configfile;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys a config file may set for a command: each option's long name without its dashes
 * ({@code --data-dir} is {@code data-dir}), read from the command's Picocli spec, so an option
 * added to a command later is a key with no code here. Help, version and the config option itself
 * are not settings.
 */
public final class OptionKeys {
    private OptionKeys() {}

    /** @return key to option, in the command's order of options */
    public static Map<String, OptionSpec> of(CommandSpec command, String configOption) {
        Map<String, OptionSpec> keys = new LinkedHashMap<>();
        for (OptionSpec o : command.options()) {
            String key = key(o);
            if (key != null && !o.usageHelp() && !o.versionHelp() && !o.longestName().equals(configOption)) {
                keys.put(key, o);
            }
        }
        return keys;
    }

    /** The option's key, or null when it has no long name. */
    static String key(OptionSpec o) {
        String name = o.longestName();
        return name.startsWith("--") && name.length() > 2 ? name.substring(2) : null;
    }
}
