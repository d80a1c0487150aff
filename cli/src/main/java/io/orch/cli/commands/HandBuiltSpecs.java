package io.orch.cli.commands;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Pieces of picocli models built by hand rather than read from annotations: the root command
 * (built on every run) and the commands run most ({@link HotCommands}). Reading annotations costs a
 * short-lived JVM more than anything else it does (annotation proxy classes generated at run time,
 * reflection over each class); a model built from these pieces costs next to nothing. Each option
 * reaches its command's field through two lambdas, not reflection.
 */
public final class HandBuiltSpecs {
    private HandBuiltSpecs() {}

    /** A value held in a field of a command, read and written through lambdas. */
    public static final class FieldAccess<T> implements IGetter, ISetter {
        private final Supplier<T> getter;
        private final Consumer<T> setter;

        public FieldAccess(Supplier<T> getter, Consumer<T> setter) {
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) getter.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V old = get();
            setter.accept((T) value);
            return old;
        }
    }

    /**
     * A boolean flag ({@code --quiet}). {@code field} is the field's name: picocli labels an
     * annotated flag {@code <field>} (help does not show it; the model has it).
     */
    public static OptionSpec flag(String[] names, String field, String description, Supplier<Boolean> get, Consumer<Boolean> set) {
        return bound(OptionSpec.builder(names).type(boolean.class).paramLabel("<" + field + ">").description(description), get, set)
                .build();
    }

    /** {@code -h, --help}: prints the command's usage (picocli's usageHelp), in field helpRequested. */
    public static OptionSpec help(Supplier<Boolean> get, Consumer<Boolean> set) {
        return bound(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true).paramLabel("<helpRequested>")
                .description("Show this help."), get, set).build();
    }

    /** {@code --version}: prints the command's version (picocli's versionHelp), in field versionRequested. */
    public static OptionSpec version(Supplier<Boolean> get, Consumer<Boolean> set) {
        return bound(OptionSpec.builder("--version").type(boolean.class).versionHelp(true).paramLabel("<versionRequested>")
                .description("Print the version and exit."), get, set).build();
    }

    /** An option with one value of {@code type} ({@code --host=URL}). */
    public static <T> OptionSpec value(String[] names, Class<T> type, String paramLabel, String description,
            Supplier<T> get, Consumer<T> set) {
        return bound(OptionSpec.builder(names).type(type).paramLabel(paramLabel).description(description), get, set).build();
    }

    /** A string option checked by {@code converter} ({@code --format=<format>}). */
    public static OptionSpec value(String[] names, ITypeConverter<String> converter, String paramLabel, String description,
            Supplier<String> get, Consumer<String> set) {
        return bound(OptionSpec.builder(names).type(String.class).converters(converter).paramLabel(paramLabel)
                .description(description), get, set).build();
    }

    /** A repeatable string option checked by {@code converter} ({@code -f=<filters>...}). */
    public static OptionSpec repeated(String[] names, ITypeConverter<String> converter, String paramLabel, String description,
            Supplier<List<String>> get, Consumer<List<String>> set) {
        return bound(OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).converters(converter)
                .paramLabel(paramLabel).description(description), get, set).build();
    }

    /**
     * Binds the option to the field and takes the field's value now as its initial value, as
     * picocli does for an annotated field: it resets the field to it before each parse.
     */
    private static <T> OptionSpec.Builder bound(OptionSpec.Builder builder, Supplier<T> get, Consumer<T> set) {
        FieldAccess<T> access = new FieldAccess<>(get, set);
        return builder.getter(access).setter(access).initialValue(get.get());
    }
}
