package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nftables table {@code ip orch} inside one container's network namespace: the embedded DNS
 * address redirected to the node's resolver, and service VIPs balanced over their tasks (this
 * kernel has no IPVS, and DNAT in the container's own output path needs no shared state on the
 * node). The table is replaced as a whole by one {@code nft -f} run, which nft applies as one
 * transaction: a container never sees half a ruleset, nor one with the old and new map at once.
 *
 * <p>The kernel routes a locally generated packet before the output hook rewrites its
 * destination, so a VIP must be routable in the namespace (the default route via eth0, or the
 * overlay subnet's route when the VIP is inside it, as Docker allocates them); otherwise the
 * client gets "network unreachable" before any rule is consulted.
 */
public final class NamespaceNat {
    private static final Logger log = LoggerFactory.getLogger(NamespaceNat.class);
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    /** Where Docker's embedded DNS server answers inside every container. */
    public static final int EMBEDDED_DNS = (127 << 24) | 11;
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /** The text last applied per namespace, with the namespace's identity (a name can be reused). */
    private static final Map<String, Applied> LAST = new ConcurrentHashMap<>();

    private record Applied(Object netnsInode, String ruleset) {}

    private NamespaceNat() {}

    /**
     * Sends DNS queries to 127.0.0.11:53 (udp and tcp) to {@code target:port}. Leaving the
     * namespace from 127.0.0.1 would be dropped as martian, so they are also given {@code source}
     * (the container's address on {@code viaInterface}), and that interface routes loopback
     * sources (route_localnet) so the rewrite happens at all.
     */
    public record DnsRedirect(int target, int port, String viaInterface, int source) {
        public DnsRedirect {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("DNS port " + port + " out of range");
            }
            if (viaInterface == null || !IFNAME.matcher(viaInterface).matches()) {
                throw new IllegalArgumentException("interface name " + viaInterface + " is not a valid interface name");
            }
        }
    }

    /** @param vips each service VIP and its tasks' addresses (none: connections are refused) */
    public record NatRules(Optional<DnsRedirect> dns, SortedMap<Integer, List<Integer>> vips) {
        public NatRules {
            Objects.requireNonNull(dns, "dns");
            Objects.requireNonNull(vips, "vips");
        }

        public boolean isEmpty() {
            return dns.isEmpty() && vips.isEmpty();
        }
    }

    /**
     * The nft script for {@code rules}: pure, so equal rules give equal text (VIPs and backends
     * sorted as unsigned addresses, duplicates dropped), which is what lets {@link #apply} skip
     * an unchanged ruleset. It starts by declaring and deleting the table, so the run replaces
     * whatever was there, or nothing, in one transaction.
     */
    public static String render(NatRules rules) {
        List<String> nat = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<String> filter = new ArrayList<>();
        rules.dns().ifPresent(d -> {
            String to = Subnet.format(d.target()) + ":" + d.port();
            for (String proto : List.of("udp", "tcp")) {
                nat.add("ip daddr " + Subnet.format(EMBEDDED_DNS) + " " + proto + " dport 53 dnat to " + to);
            }
            for (String proto : List.of("udp", "tcp")) {
                // only what was redirected still has a loopback source here
                post.add("ip saddr 127.0.0.0/8 ip daddr " + Subnet.format(d.target()) + " " + proto + " dport " + d.port()
                        + " snat to " + Subnet.format(d.source()));
            }
        });
        rules.vips().entrySet().stream()
                .sorted((a, b) -> Integer.compareUnsigned(a.getKey(), b.getKey()))
                .forEach(e -> {
                    String vip = Subnet.format(e.getKey());
                    List<Integer> backends = e.getValue().stream().distinct().sorted(Integer::compareUnsigned).toList();
                    if (backends.isEmpty()) {
                        // refuse at once rather than let the client's SYNs go unanswered until it times out
                        filter.add("ip daddr " + vip + " meta l4proto tcp reject with tcp reset");
                        filter.add("ip daddr " + vip + " reject");
                    } else if (backends.size() == 1) {
                        nat.add("ip daddr " + vip + " dnat to " + Subnet.format(backends.get(0)));
                    } else {
                        // numgen inc: round robin over new connections; conntrack keeps established ones where they are
                        StringBuilder map = new StringBuilder();
                        for (int i = 0; i < backends.size(); i++) {
                            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Subnet.format(backends.get(i)));
                        }
                        nat.add("ip daddr " + vip + " dnat to numgen inc mod " + backends.size() + " map { " + map + " }");
                    }
                });
        StringBuilder out = new StringBuilder("table ip orch {}\ndelete table ip orch\ntable ip orch {\n");
        chain(out, "output", "type nat hook output priority -100; policy accept;", nat);
        chain(out, "postrouting", "type nat hook postrouting priority 100; policy accept;", post);
        chain(out, "filter_output", "type filter hook output priority 0; policy accept;", filter);
        return out.append("}\n").toString();
    }

    private static void chain(StringBuilder out, String name, String hook, List<String> rules) {
        if (rules.isEmpty()) {
            return;
        }
        out.append("\tchain ").append(name).append(" {\n\t\t").append(hook).append('\n');
        rules.forEach(r -> out.append("\t\t").append(r).append('\n'));
        out.append("\t}\n");
    }

    /**
     * Replaces the namespace's {@code ip orch} table with {@code rules} (with no rules at all the
     * table is deleted). Skipped when the same text was last applied to the same namespace.
     *
     * @param netns the named namespace (/var/run/netns/NAME)
     */
    public static void apply(String netns, NatRules rules) throws IOException {
        if (rules.isEmpty()) {
            clear(netns);
            return;
        }
        Path file = netnsFile(netns);
        forgetVanished();
        Object inode = inode(file);
        if (inode == null) {
            throw new IOException("network namespace " + netns + " does not exist (" + file + ")");
        }
        String ruleset = render(rules);
        Applied last = LAST.get(netns);
        if (last != null && last.netnsInode().equals(inode) && last.ruleset().equals(ruleset)) {
            return;
        }
        Commands in = Commands.inNetns(file);
        if (rules.dns().isPresent()) {
            // /proc/sys/net is the reader's namespace's, so sysctl runs in there too
            in.check("sysctl", List.of("-q", "-w", "net.ipv4.conf." + rules.dns().get().viaInterface() + ".route_localnet=1"), null);
        }
        try {
            in.check("nft", List.of("-f", "-"), ruleset);
        } catch (IOException e) {
            LAST.remove(netns);
            throw e;
        }
        LAST.put(netns, new Applied(inode, ruleset));
        log.debug("netns {}: nat table with {} VIPs{}", netns, rules.vips().size(), rules.dns().isPresent() ? " and DNS" : "");
    }

    /** Deletes the namespace's {@code ip orch} table, if there. Never fails (logs a warning). */
    public static void clear(String netns) {
        Path file = netnsFile(netns);
        LAST.remove(netns);
        if (!Files.exists(file)) {
            return;
        }
        try {
            // declaring it first makes the delete succeed whether or not it was there
            Commands.inNetns(file).check("nft", List.of("-f", "-"), "table ip orch {}\ndelete table ip orch\n");
        } catch (IOException e) {
            log.warn("could not clear the nat table of {}: {}", netns, e.toString());
        }
    }

    private static Path netnsFile(String netns) {
        if (netns == null || netns.isEmpty() || netns.contains("/") || netns.startsWith(".")) {
            throw new IllegalArgumentException("network namespace name " + netns + " is not a plain file name");
        }
        return NETNS_DIR.resolve(netns);
    }

    private static void forgetVanished() {
        LAST.keySet().removeIf(ns -> !Files.exists(NETNS_DIR.resolve(ns)));
    }

    /** The namespace's inode (the nsfs file bind-mounted there), or null if it is not there. */
    private static Object inode(Path file) {
        try {
            return Files.getAttribute(file, "unix:ino");
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
