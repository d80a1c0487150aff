package io.orch.runtime.net;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps traffic between containers on one bridge flowing when a firewall says otherwise: with
 * br_netfilter loaded, bridged frames traverse iptables' FORWARD chain, and a dockerd on the same
 * machine sets its policy to DROP. Where an iptables binary exists, an ACCEPT rule for
 * bridge-to-same-bridge traffic is inserted once (Docker adds the same for its bridges). Where
 * none exists there is no firewall to get past. Best effort: a failure is logged, not fatal.
 */
final class BridgeForwarding {
    private static final Logger log = LoggerFactory.getLogger(BridgeForwarding.class);
    private static final List<String> SEARCH = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private BridgeForwarding() {}

    static void allow(String bridge) {
        Optional<Path> iptables = find();
        if (iptables.isEmpty()) {
            return;
        }
        try {
            if (run(iptables.get(), "-C", rule(bridge)) != 0 && run(iptables.get(), "-I", rule(bridge)) != 0) {
                log.warn("could not allow forwarding within bridge {}: containers on it may not reach each other", bridge);
            }
        } catch (IOException e) {
            log.warn("iptables failed for bridge {}: {}", bridge, e.toString());
        }
    }

    static void remove(String bridge) {
        Optional<Path> iptables = find();
        if (iptables.isEmpty()) {
            return;
        }
        try {
            while (run(iptables.get(), "-C", rule(bridge)) == 0 && run(iptables.get(), "-D", rule(bridge)) == 0) {
                // remove every copy
            }
        } catch (IOException e) {
            log.debug("iptables cleanup for bridge {} failed: {}", bridge, e.toString());
        }
    }

    private static List<String> rule(String bridge) {
        return List.of("FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT");
    }

    private static Optional<Path> find() {
        return SEARCH.stream().map(d -> Path.of(d, "iptables")).filter(Files::isExecutable).findFirst();
    }

    private static int run(Path iptables, String op, List<String> rule) throws IOException {
        List<String> argv = new ArrayList<>(List.of(iptables.toString(), "-w", "5", op));
        argv.addAll(rule);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }
}
