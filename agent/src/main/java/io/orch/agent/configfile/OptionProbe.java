package io.orch.agent.configfile;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts a config file's values for one option the way Picocli converts them on the command
 * line (its type, converters, enum names), on a copy of the option bound to a scratch holder: the
 * command's own object is not touched, and a value that does not convert fails here, where the
 * caller still knows its line and column.
 */
final class OptionProbe implements IGetter, ISetter {
    private Object value;

    private OptionProbe() {}

    /**
     * @return the converted value (a collection for a repeatable option)
     * @throws CommandLine.ParameterException Picocli's reason, naming the value
     */
    static Object convert(OptionSpec option, List<String> values) {
        OptionProbe holder = new OptionProbe();
        CommandSpec scratch = CommandSpec.create();
        scratch.addOption(OptionSpec.builder(option)
                .required(false)
                .defaultValue(null)
                .initialValue(null)
                .hasInitialValue(false)
                .getter(holder)
                .setter(holder)
                .build());
        List<String> args = new ArrayList<>();
        for (String v : values) {
            args.add(option.longestName() + "=" + v);
        }
        new CommandLine(scratch).parseArgs(args.toArray(String[]::new));
        return holder.value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
        return (T) value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T set(T value) {
        T old = (T) this.value;
        this.value = value;
        return old;
    }
}
