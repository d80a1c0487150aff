package io.orch.agent.configfile;

import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A config file as the defaults of a command's options: Picocli asks for the default of each
 * option the command line did not give (so a flag always wins over the file), after it parsed the
 * command line (so {@code --config} is known by then). The file's values go through Picocli's own
 * conversion.
 *
 * <p>Which file: {@code --config FILE}; else the environment variable {@link #ENV} when set; else
 * {@link #DEFAULT_FILE} when it exists; else none. A key that is no option of the command is an
 * error, unless it is an option of one of its sibling commands (a file shared by {@code orch
 * init}, {@code join} and {@code agent}): that is a warning, once, and the key is not applied.
 * Every problem is one line, {@code FILE:LINE:COL: ...}, thrown before the command runs.
 */
public class ConfigFileDefaults implements IDefaultValueProvider {
    public static final String ENV = "ORCH_CONFIG";
    public static final Path DEFAULT_FILE = Path.of("/etc/orch/orch.yaml");
    public static final String OPTION = "--config";

    private final Supplier<List<CommandSpec>> siblings;
    private final Function<String, String> env;
    private final Path defaultFile;
    private Loaded loaded;

    /** What one file sets for one command: converted values by key, and the warnings it gave. */
    private record Loaded(Path file, Map<String, Object> values, Map<String, ConfigEntry> entries, List<String> warnings) {}

    /**
     * @param siblings the commands that share config files (this one among them)
     * @param env the environment ({@link System#getenv(String)} in the agent)
     * @param defaultFile read when it exists and neither {@code --config} nor {@link #ENV} names a file
     */
    protected ConfigFileDefaults(Supplier<List<CommandSpec>> siblings, Function<String, String> env, Path defaultFile) {
        this.siblings = siblings;
        this.env = env;
        this.defaultFile = defaultFile;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || OptionKeys.key(option) == null) {
            return null;
        }
        Loaded l = load(option.command());
        if (l == null || !l.values().containsKey(OptionKeys.key(option))) {
            return null;
        }
        Object value = l.values().get(OptionKeys.key(option));
        if (option.isMultiValue()) {
            // a default string would be one element: the converted list goes in as it is
            option.setValue(value);
            return null;
        }
        return (String) value;
    }

    /** The file this command reads, or null for none. */
    public Path file(CommandSpec command) {
        OptionSpec config = command.findOption(OPTION);
        Object given = config == null ? null : config.getValue();
        if (given != null) {
            return (Path) given;
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return Files.exists(defaultFile) ? defaultFile : null;
    }

    /**
     * Reads and checks the file for this command, once (Picocli only asks for options the command
     * line left out, so the command calls this too, for a file whose keys are all overridden).
     *
     * @return the warnings to log once logging is set up
     * @throws ParameterException one line naming the file, line and column
     */
    public List<String> check(CommandSpec command) {
        Loaded l = load(command);
        return l == null ? List.of() : l.warnings();
    }

    /**
     * Where the file set the value an option has now, {@code FILE:LINE:COL}, or null when it is not
     * the file's (no file, no such key, or the command line gave the option): for a check the
     * command makes after parsing (an address, a duration) to point at the file's line.
     */
    public String position(CommandSpec command, String optionName) {
        OptionSpec option = command.findOption(optionName);
        CommandLine.ParseResult parsed = command.commandLine() == null ? null : command.commandLine().getParseResult();
        if (option == null || OptionKeys.key(option) == null || (parsed != null && parsed.hasMatchedOption(option))) {
            return null;
        }
        Loaded l = load(command);
        if (l == null || !l.values().containsKey(OptionKeys.key(option))) {
            return null;
        }
        ConfigEntry e = l.entries().get(OptionKeys.key(option));
        return l.file() + ":" + e.valueLine() + ":" + e.valueColumn();
    }

    private synchronized Loaded load(CommandSpec command) {
        Path file = file(command);
        if (file == null) {
            return null;
        }
        if (loaded != null && loaded.file().equals(file)) {
            return loaded;
        }
        try {
            loaded = resolve(command, file);
        } catch (ConfigFileException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
        return loaded;
    }

    private Loaded resolve(CommandSpec command, Path file) {
        String name = file.toString();
        Map<String, ConfigEntry> entries = ConfigFileReader.read(file);
        Map<String, OptionSpec> keys = OptionKeys.of(command, OPTION);
        Map<String, Object> values = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        for (ConfigEntry e : entries.values()) {
            OptionSpec option = keys.get(e.key());
            if (option == null) {
                String elsewhere = siblingsWith(e.key(), command.name());
                if (elsewhere == null) {
                    throw new ConfigFileException(name, e.line(), e.column(), "unknown key '" + e.key()
                            + "' (known: " + String.join(", ", keys.keySet()) + ")");
                }
                warnings.add(name + ":" + e.line() + ":" + e.column() + ": key '" + e.key() + "' is an option of "
                        + elsewhere + ", not of orch " + command.name() + ": not applied");
                continue;
            }
            values.put(e.key(), value(name, e, option));
        }
        return new Loaded(file, values, entries, List.copyOf(warnings));
    }

    /** The default string for a single-valued option, the converted collection for a repeatable one. */
    private static Object value(String name, ConfigEntry e, OptionSpec option) {
        if (isFlag(option)) {
            if (e.list() || !e.yamlBoolean()) {
                throw new ConfigFileException(name, e.valueLine(), e.valueColumn(), "key '" + e.key() + "': expected true or false");
            }
            return e.values().get(0);
        }
        if (!option.isMultiValue() && e.list()) {
            throw new ConfigFileException(name, e.valueLine(), e.valueColumn(), "key '" + e.key() + "': expected one value, not a list");
        }
        Object converted;
        try {
            converted = OptionProbe.convert(option, e.values());
        } catch (ParameterException p) {
            String reason = p.getCause() != null && p.getCause().getMessage() != null ? p.getCause().getMessage() : p.getMessage();
            throw new ConfigFileException(name, e.valueLine(), e.valueColumn(), "key '" + e.key() + "': " + reason);
        }
        return option.isMultiValue() ? converted : e.values().get(0);
    }

    /** A boolean flag (arity 0): on the command line it takes no value, in the file true or false. */
    private static boolean isFlag(OptionSpec option) {
        return option.typeInfo().isBoolean() && option.arity().max() == 0;
    }

    /** "orch init" (or "orch init, orch join") when the key is an option of those siblings, else null. */
    private String siblingsWith(String key, String self) {
        Set<String> names = new LinkedHashSet<>();
        for (CommandSpec sibling : siblings.get()) {
            if (!sibling.name().equals(self) && OptionKeys.of(sibling, OPTION).containsKey(key)) {
                names.add("orch " + sibling.name());
            }
        }
        return names.isEmpty() ? null : String.join(", ", names);
    }
}
