package io.orch.runtime.runc;

import io.orch.runtime.ContainerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A container's /etc/resolv.conf, as Docker writes it: from the host's, with each part the
 * service's DNSConfig gives (nameservers, search domains, options) replacing the host's. A
 * container on an overlay network resolves through the embedded DNS at 127.0.0.11 instead (with
 * the given search domains and options, ndots:0 when none are given).
 */
public final class ResolvConfFile {
    static final String EMBEDDED_NAMESERVER = "127.0.0.11";
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]+");

    private ResolvConfFile() {}

    /** @param host the host's resolv.conf text (empty when it has none) */
    static String forContainer(String host, ContainerOptions.Dns dns) {
        List<String> nameservers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : host.split("\n")) {
            String[] w = line.trim().split("\\s+");
            switch (w[0]) {
                case "nameserver" -> {
                    if (w.length > 1) {
                        nameservers.add(w[1]);
                    }
                }
                case "search", "domain" -> search.addAll(List.of(w).subList(1, w.length));
                case "options" -> options.addAll(List.of(w).subList(1, w.length));
                default -> {
                    if (!line.isBlank()) {
                        other.add(line);
                    }
                }
            }
        }
        return render(dns.nameservers().isEmpty() ? nameservers : dns.nameservers(),
                dns.search().isEmpty() ? search : dns.search(), dns.options().isEmpty() ? options : dns.options(), other);
    }

    /** The embedded DNS's resolv.conf: the service's search domains and options, ndots:0 by default. */
    static String embedded(ContainerOptions.Dns dns) {
        return render(List.of(EMBEDDED_NAMESERVER), dns.search(), dns.options().isEmpty() ? List.of("ndots:0") : dns.options(),
                List.of());
    }

    private static String render(List<String> nameservers, List<String> search, List<String> options, List<String> other) {
        StringBuilder out = new StringBuilder();
        other.forEach(l -> out.append(l).append('\n'));
        nameservers.forEach(n -> out.append("nameserver ").append(n).append('\n'));
        if (!search.isEmpty()) {
            out.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!options.isEmpty()) {
            out.append("options ").append(String.join(" ", options)).append('\n');
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException naming the value when one cannot go into a resolv.conf */
    public static void check(ContainerOptions.Dns dns) {
        for (String n : dns.nameservers()) {
            if (!IP.matcher(n).matches()) {
                throw new IllegalArgumentException("DNS nameserver \"" + n + "\" is not an IP address");
            }
        }
        for (String s : dns.search()) {
            if (s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("DNS search domain \"" + s + "\" is not a domain");
            }
        }
        for (String o : dns.options()) {
            if (o.isBlank() || o.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("DNS option \"" + o + "\" is not a resolv.conf option");
            }
        }
    }
}
