package io.orch.cli.parse;

import java.util.Locale;
import java.util.Set;

/**
 * {@code --publish} in both of docker's syntaxes: short {@code [PUBLISHED:]TARGET[/PROTOCOL]} and
 * long {@code published=8080,target=80,mode=host,protocol=udp}. Port ranges are not supported.
 */
public final class PublishSpecs {
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
    private static final Set<String> MODES = Set.of("ingress", "host");

    private PublishSpecs() {}

    public static PortConfig parse(String text) {
        if (text == null || text.isBlank()) throw new InvalidValueException("invalid publish spec: empty");
        return text.contains("=") ? parseLong(text) : parseShort(text);
    }

    private static PortConfig parseShort(String text) {
        String protocol = "tcp";
        String ports = text;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            protocol = protocol(text.substring(slash + 1));
            ports = text.substring(0, slash);
        }
        String[] parts = ports.split(":", -1);
        if (parts.length > 2) throw new InvalidValueException("invalid publish spec: expected [PUBLISHED:]TARGET[/PROTOCOL]");
        int target = port(parts[parts.length - 1], "target", 1);
        int published = parts.length == 2 ? port(parts[0], "published", 0) : 0;
        return new PortConfig(protocol, target, published, "ingress");
    }

    private static PortConfig parseLong(String text) {
        String protocol = "tcp";
        String mode = "ingress";
        Integer target = null;
        int published = 0;
        for (String field : text.split(",")) {
            int eq = field.indexOf('=');
            if (eq < 0) throw new InvalidValueException("invalid publish field \"" + field + "\": expected key=value");
            String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(eq + 1).trim();
            switch (key) {
                case "target", "dst", "destination" -> target = port(value, "target", 1);
                case "published", "src", "source" -> published = port(value, "published", 0);
                case "protocol" -> protocol = protocol(value);
                case "mode" -> {
                    mode = value.toLowerCase(Locale.ROOT);
                    if (!MODES.contains(mode)) throw new InvalidValueException("invalid publish mode \"" + value + "\": expected ingress or host");
                }
                default -> throw new InvalidValueException("invalid publish field \"" + key + "\"");
            }
        }
        if (target == null) throw new InvalidValueException("invalid publish spec: missing target port");
        return new PortConfig(protocol, target, published, mode);
    }

    private static String protocol(String text) {
        String p = text.toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(p)) throw new InvalidValueException("invalid protocol \"" + text + "\": expected tcp, udp or sctp");
        return p;
    }

    private static int port(String text, String what, int min) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidValueException("invalid " + what + " port \"" + text + "\"");
        }
        if (port < min || port > 65535) throw new InvalidValueException("invalid " + what + " port " + port + ": out of range");
        return port;
    }
}
