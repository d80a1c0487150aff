package io.orch.cli.commands;

import io.orch.cli.parse.Cpus;
import io.orch.cli.parse.Durations;
import io.orch.cli.parse.InvalidValueException;
import io.orch.cli.parse.PortConfig;
import io.orch.cli.parse.PublishSpecs;
import io.orch.cli.parse.Sizes;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters over the parsers, so that bad values are rejected while parsing (exit 2,
 * nothing sent) and the commands only ever see checked values.
 */
public final class Converters {
    private Converters() {}

    private static TypeConversionException fail(InvalidValueException e) {
        return new TypeConversionException(e.getMessage());
    }

    public static final class Size implements ITypeConverter<Long> {
        public Long convert(String value) {
            try { return Sizes.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class Duration implements ITypeConverter<Long> {
        public Long convert(String value) {
            try { return Durations.parseNanos(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class NanoCpus implements ITypeConverter<Long> {
        public Long convert(String value) {
            try { return Cpus.parseNanoCpus(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class Publish implements ITypeConverter<PortConfig> {
        public PortConfig convert(String value) {
            try { return PublishSpecs.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class Network implements ITypeConverter<io.orch.cli.parse.NetworkAttachmentSpec> {
        public io.orch.cli.parse.NetworkAttachmentSpec convert(String value) {
            try { return io.orch.cli.parse.NetworkAttachmentSpec.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class EndpointMode implements ITypeConverter<String> {
        public String convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.equals("vip") || v.equals("dnsrr")) return v;
            throw fail(new InvalidValueException("invalid endpoint mode \"" + value + "\": expected vip or dnsrr"));
        }
    }

    public static final class NonNegativeLong implements ITypeConverter<Long> {
        public Long convert(String value) {
            try {
                long v = Long.parseLong(value.trim());
                if (v >= 0) return v;
            } catch (NumberFormatException e) {
                // fall through to the same message
            }
            throw new TypeConversionException("must be a non-negative integer");
        }
    }

    public static final class Filter implements ITypeConverter<String> {
        public String convert(String value) {
            try {
                io.orch.cli.parse.Filters.split(value);
                return value;
            } catch (InvalidValueException e) {
                throw fail(e);
            }
        }
    }

    /** A string that must be one of a fixed set (case-insensitive), stored lower-case. */
    abstract static class OneOf implements ITypeConverter<String> {
        private final Set<String> allowed;
        private final String what;

        OneOf(String what, String... allowed) {
            this.what = what;
            this.allowed = Set.of(allowed);
        }

        public String convert(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new TypeConversionException(what + ": expected " + String.join(" or ", allowed.stream().sorted().toList()));
            }
            return v;
        }
    }

    /** {@link OneOf} for converters defined outside this package (flag groups in spec/). */
    public abstract static class OneOfValues extends OneOf {
        protected OneOfValues(String what, String... allowed) {
            super(what, allowed);
        }
    }

    public static final class Mount implements ITypeConverter<com.fasterxml.jackson.databind.node.ObjectNode> {
        public com.fasterxml.jackson.databind.node.ObjectNode convert(String value) {
            try { return io.orch.cli.parse.MountSpecs.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class Ulimit implements ITypeConverter<com.fasterxml.jackson.databind.node.ObjectNode> {
        public com.fasterxml.jackson.databind.node.ObjectNode convert(String value) {
            try { return io.orch.cli.parse.Ulimits.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class GenericResource implements ITypeConverter<com.fasterxml.jackson.databind.node.ObjectNode> {
        public com.fasterxml.jackson.databind.node.ObjectNode convert(String value) {
            try { return io.orch.cli.parse.GenericResources.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class FileReference implements ITypeConverter<io.orch.cli.parse.FileReferences.FileReference> {
        public io.orch.cli.parse.FileReferences.FileReference convert(String value) {
            try { return io.orch.cli.parse.FileReferences.parse(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    /** --host NAME:IP, stored in the swarm form "IP NAME". */
    public static final class ExtraHost implements ITypeConverter<String> {
        public String convert(String value) {
            try { return io.orch.cli.parse.ExtraHosts.toSwarm(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    /** KEY=VALUE with a non-empty key (--sysctl, --log-opt). */
    public static final class KeyValue implements ITypeConverter<String> {
        public String convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0) throw new TypeConversionException("expected KEY=VALUE");
            return value;
        }
    }

    public static final class Capability implements ITypeConverter<String> {
        public String convert(String value) {
            try { return io.orch.cli.parse.Capabilities.normalize(value); } catch (InvalidValueException e) { throw fail(e); }
        }
    }

    public static final class OomScoreAdj implements ITypeConverter<Long> {
        public Long convert(String value) {
            try {
                long v = Long.parseLong(value.trim());
                if (v >= -1000 && v <= 1000) return v;
            } catch (NumberFormatException e) {
                // fall through to the same message
            }
            throw new TypeConversionException("must be an integer from -1000 to 1000");
        }
    }

    /** file://NAME, registry://NAME or config://NAME (docker's credentialSpecOpt). */
    public static final class CredentialSpec implements ITypeConverter<String> {
        public String convert(String value) {
            if (value.isEmpty() || value.matches("(file|registry|config)://.+")) return value;
            throw new TypeConversionException("invalid credential spec: value must be prefixed with \"config://\", \"file://\", or \"registry://\"");
        }
    }

    public static final class Isolation extends OneOf {
        public Isolation() { super("invalid isolation", "default", "process", "hyperv"); }
    }

    public static final class RestartCondition extends OneOf {
        public RestartCondition() { super("invalid restart condition", "none", "on-failure", "any"); }
    }

    public static final class ServiceMode extends OneOf {
        public ServiceMode() { super("invalid mode", "replicated", "global", "replicated-job", "global-job"); }
    }

    public static final class Runtime extends OneOf {
        public Runtime() { super("invalid runtime", "process", "runc", "docker"); }
    }

    public static final class ListFormat extends OneOf {
        public ListFormat() { super("unsupported format", "table", "json"); }
    }

    public static final class InspectFormat extends OneOf {
        public InspectFormat() { super("unsupported format", "json"); }
    }
}
