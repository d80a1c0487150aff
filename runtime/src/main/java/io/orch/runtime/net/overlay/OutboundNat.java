package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers reaching beyond their node: their default route is the node bridge's gateway, so
 * the node forwards their traffic (ip_forward) and masquerades it as it leaves through any
 * other interface, in an nftables table of orch's own per node subnet ({@code ip
 * orch-out-<subnet>}: agents sharing a machine and a bridge each own their subnet's table).
 * Tasks on a network made with {@code com.docker.network.bridge.enable_ip_masquerade=false} are
 * left out: their traffic leaves with its own source address (for underlays that route the
 * container subnet), as Docker does for such a bridge.
 */
public final class OutboundNat {
    private static final Logger log = LoggerFactory.getLogger(OutboundNat.class);
    /** Docker's network option; "false" turns masquerading off for the network's tasks. */
    public static final String MASQUERADE_OPTION = "com.docker.network.bridge.enable_ip_masquerade";
    static final String TABLE_PREFIX = "orch-out-";
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /**
     * @param bridge the node bridge the containers' default route goes through
     * @param subnet the node's container subnet on it
     * @param noMasquerade container addresses whose traffic leaves unmasqueraded
     */
    public record Rules(String bridge, Subnet subnet, SortedSet<Integer> noMasquerade) {
        public Rules {
            if (bridge == null || !IFNAME.matcher(bridge).matches()) {
                throw new IllegalArgumentException("bridge " + bridge + " is not a valid interface name");
            }
            Objects.requireNonNull(subnet, "subnet");
            TreeSet<Integer> sorted = new TreeSet<>(Integer::compareUnsigned);
            for (int a : noMasquerade) {
                if (!subnet.contains(a)) {
                    throw new IllegalArgumentException("address " + Subnet.format(a) + " is not in the node subnet " + subnet);
                }
                sorted.add(a);
            }
            noMasquerade = java.util.Collections.unmodifiableSortedSet(sorted);
        }
    }

    private final Commands commands;
    private final ForwardAccept forward;
    /** The subnet's table as last applied, or null. Guarded by {@code this}. */
    private NftTable table;
    private String preparedBridge; // guarded by this

    public OutboundNat() {
        this(Commands.LOCAL);
    }

    OutboundNat(Commands commands) {
        this.commands = commands;
        this.forward = new ForwardAccept(commands);
    }

    /** Why outbound NAT cannot be set up here (a missing tool, not allowed to change forwarding), or empty. */
    public static Optional<String> unavailableReason() {
        for (String b : List.of("nft", "sysctl")) {
            if (Commands.find(b).isEmpty()) {
                return Optional.of("the " + b + " command is not installed (" + Commands.packageOf(b) + ")");
            }
        }
        if (!java.nio.file.Files.isWritable(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_forward"))) {
            return Optional.of("not allowed to turn IP forwarding on (not root)");
        }
        return Optional.empty();
    }

    /** "orch-out-10.212.3.0-24" is not an nft identifier: "orch-out-0ad40300-24". */
    public static String table(Subnet subnet) {
        return TABLE_PREFIX + String.format("%08x", subnet.network()) + "-" + subnet.prefix();
    }

    /** The nft script for {@code rules}, replacing the subnet's table: pure, equal rules give equal text. */
    public static String render(Rules rules) {
        String table = table(rules.subnet());
        StringBuilder rule = new StringBuilder("ip saddr ").append(rules.subnet()).append(" oifname != \"").append(rules.bridge())
                .append('"');
        if (!rules.noMasquerade().isEmpty()) {
            rule.append(" ip saddr != { ").append(String.join(", ", rules.noMasquerade().stream().map(Subnet::format).toList()))
                    .append(" }");
        }
        rule.append(" masquerade");
        return NftTable.clearScript("ip", table) + "table ip " + table + " {\n"
                + "\tchain postrouting {\n"
                + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                + "\t\t" + rule + "\n"
                + "\t}\n"
                + "}\n";
    }

    /**
     * Turns forwarding on in this namespace (it is what makes a node a router for its containers;
     * Docker does the same and leaves it on) and makes the subnet's table {@code rules}. Skipped
     * when the text is the one applied last.
     */
    public synchronized void apply(Rules rules) throws IOException {
        String script = render(rules);
        if (table != null && table.holds(script)) {
            return;
        }
        if (!rules.bridge().equals(preparedBridge)) {
            commands.check("sysctl", List.of("-q", "-w", "net.ipv4.ip_forward=1"), null);
            forward.allow(forwarding(rules.bridge()));
            preparedBridge = rules.bridge();
        }
        String name = table(rules.subnet());
        if (table == null || !table.name().equals(name)) {
            table = new NftTable(commands, "ip", name);
        }
        table.replace(script);
        log.info("outbound NAT for {} on {}{}", rules.subnet(), rules.bridge(),
                rules.noMasquerade().isEmpty() ? "" : " (" + rules.noMasquerade().size() + " container(s) not masqueraded)");
    }

    /** Deletes the subnet's table and the forwarding rules, if there. Never fails (logs a warning). */
    public synchronized void clear(Optional<Subnet> subnet) {
        table = null;
        if (preparedBridge != null) {
            forward.remove(forwarding(preparedBridge));
            preparedBridge = null;
        }
        if (subnet.isEmpty()) {
            return;
        }
        try {
            new NftTable(commands, "ip", table(subnet.get())).delete();
        } catch (IOException e) {
            log.warn("could not delete the outbound NAT table: {}", e.toString());
        }
    }

    /** As Docker's: out of the bridge to anywhere else, and the replies back in. */
    static List<List<String>> forwarding(String bridge) {
        return List.of(
                List.of("FORWARD", "-i", bridge, "!", "-o", bridge, "-j", "ACCEPT"),
                List.of("FORWARD", "-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"));
    }
}
