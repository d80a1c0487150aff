package io.orch.cli.parse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A command's arguments read without picocli, for the commands a short-lived CLI runs most: picocli's
 * class initialisation alone costs a cold JVM about 40 ms, a fifth of a whole `orch service ls`.
 * It reads only a plain subset of picocli's grammar and says so ({@link #read} returns -1) for
 * anything outside it, so that the caller hands those arguments to picocli, which then parses
 * them, prints their help or reports their error exactly as it always did. Inside the subset
 * both read the same arguments the same way (DirectLaunchTest holds them equal):
 * <ul>
 *   <li>an option by one of its exact names, its value as the next argument or after '=';</li>
 *   <li>a flag alone (no "=true"), a single-valued option at most once;</li>
 *   <li>a value its setter takes (a setter that throws leaves the subset: picocli reports it);</li>
 *   <li>positionals only where the command has them.</li>
 * </ul>
 * Outside it: an unknown option, clustered short options ({@code -qf}), a value that starts with
 * '-', the end-of-options marker {@code --}, an argument file ({@code @file}), help.
 */
public final class PlainArguments {
    private enum Kind { FLAG, SINGLE, REPEATED }

    /**
     * A class, not a record: it is a set's element, and a record's hashCode is bootstrapped through
     * invokedynamic (ObjectMethods), about 40 ms of method-handle spinning in a cold JVM.
     */
    private static final class Option {
        final Kind kind;
        final Consumer<String> set;

        Option(Kind kind, Consumer<String> set) {
            this.kind = kind;
            this.set = set;
        }
    }

    private final Map<String, Option> byName = new HashMap<>();
    private Consumer<String> positionals;

    /** A boolean flag: present means true. */
    public PlainArguments flag(Runnable set, String... names) {
        return add(new Option(Kind.FLAG, v -> set.run()), names);
    }

    /** An option with one value, given at most once; {@code set} converts it and may throw to refuse it. */
    public PlainArguments value(Consumer<String> set, String... names) {
        return add(new Option(Kind.SINGLE, set), names);
    }

    /** An option that may be given again and again, each value added by {@code add}. */
    public PlainArguments repeated(Consumer<String> add, String... names) {
        return add(new Option(Kind.REPEATED, add), names);
    }

    /** The command's positional parameters, each added by {@code add}; without it there are none. */
    public PlainArguments positionals(Consumer<String> add) {
        this.positionals = add;
        return this;
    }

    private PlainArguments add(Option option, String... names) {
        for (String name : names) {
            byName.put(name, option);
        }
        return this;
    }

    /**
     * Reads {@code args} from index {@code from}: to the end, or, with {@code untilPositional}, to
     * the first positional argument (a command word), whose index it returns. The end's index when
     * all were read; -1 when an argument is outside the subset (the setters may have run: the
     * caller then drops what it set).
     */
    public int read(String[] args, int from, boolean untilPositional) {
        Set<Option> given = new HashSet<>();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("@")) {
                return -1; // picocli reads an argument file there
            }
            if (!arg.startsWith("-")) {
                if (untilPositional) {
                    return i;
                }
                if (positionals == null || !accepted(positionals, arg)) {
                    return -1;
                }
                continue;
            }
            int eq = arg.indexOf('=');
            Option option = byName.get(eq < 0 ? arg : arg.substring(0, eq));
            if (option == null || (option.kind != Kind.REPEATED && !given.add(option))) {
                return -1;
            }
            if (option.kind == Kind.FLAG) {
                if (eq >= 0) {
                    return -1;
                }
                option.set.accept("");
                continue;
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-") && !args[i + 1].startsWith("@")) {
                value = args[++i];
            } else {
                return -1;
            }
            if (!accepted(option.set, value)) {
                return -1;
            }
        }
        return args.length;
    }

    private static boolean accepted(Consumer<String> set, String value) {
        try {
            set.accept(value);
            return true;
        } catch (RuntimeException refused) {
            return false; // picocli converts it again and reports the refusal in its words
        }
    }
}
