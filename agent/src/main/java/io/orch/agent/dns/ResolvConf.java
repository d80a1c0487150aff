package io.orch.agent.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The host's resolver configuration, read for the DNS server's upstreams. */
public final class ResolvConf {
    private static final Logger LOG = LoggerFactory.getLogger(ResolvConf.class);
    /** glibc's MAXNS: the host itself never asks more than the first three. */
    static final int MAX_NAMESERVERS = 3;
    private static final int DNS_PORT = 53;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");

    private ResolvConf() {
    }

    /**
     * The {@code nameserver} addresses of {@code resolvConf} (normally /etc/resolv.conf), port 53,
     * in file order, without duplicates, at most {@link #MAX_NAMESERVERS}. Comments ({@code #},
     * {@code ;}) and lines that are not a nameserver with an IP literal are skipped; a missing or
     * unreadable file gives no upstreams (and a warning).
     *
     * <p>Loopback resolvers (systemd-resolved's 127.0.0.53, a local dnsmasq) are kept on purpose:
     * Docker drops them from a container's resolv.conf because inside the container's network
     * namespace 127.0.0.53 is the container itself, but this server runs on the host, in the
     * host's namespace, where the host's stub resolver is reachable and is the right upstream.
     */
    public static List<InetSocketAddress> upstreams(Path resolvConf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (NoSuchFileException e) {
            LOG.warn("{} does not exist: names that are not orch's will not resolve", resolvConf);
            return List.of();
        } catch (IOException e) {
            LOG.warn("cannot read {}: names that are not orch's will not resolve: {}", resolvConf, e.toString());
            return List.of();
        }
        Set<InetSocketAddress> found = new LinkedHashSet<>();
        for (String line : lines) {
            String[] words = stripComment(line).trim().split("\\s+");
            if (words.length < 2 || !words[0].equals("nameserver")) {
                continue;
            }
            parseAddress(words[1]).ifPresent(a -> found.add(new InetSocketAddress(a, DNS_PORT)));
        }
        List<InetSocketAddress> result = new ArrayList<>(found);
        return List.copyOf(result.subList(0, Math.min(result.size(), MAX_NAMESERVERS)));
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        int semi = line.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return cut < 0 ? line : line.substring(0, cut);
    }

    /** Only IP literals: a host name here is invalid, and looking it up would need DNS. */
    private static Optional<InetAddress> parseAddress(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            // An IP literal (checked above) is parsed, never looked up.
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
