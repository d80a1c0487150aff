package io.orch.runtime.net.overlay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACCEPT rules in iptables' FORWARD chain for traffic orch routes: an nftables table of our own
 * cannot override a DROP verdict in another (a dockerd on the same host sets FORWARD's policy to
 * DROP), so where an iptables binary exists the rules go there too, as BridgeForwarding does for
 * the node bridge. Each rule is inserted once (checked first). Where iptables is not installed
 * there is no such firewall to get past. Best effort: a failure is logged, not fatal.
 */
final class ForwardAccept {
    private static final Logger log = LoggerFactory.getLogger(ForwardAccept.class);
    private final Commands commands;

    ForwardAccept(Commands commands) {
        this.commands = commands;
    }

    /** Inserts each rule (chain first, then the match and target) that is not there yet. */
    void allow(List<List<String>> rules) {
        if (Commands.find("iptables").isEmpty()) {
            return;
        }
        for (List<String> rule : rules) {
            try {
                if (!run("-C", rule) && !run("-I", rule)) {
                    log.warn("could not add iptables rule {}: forwarded traffic may be dropped", String.join(" ", rule));
                }
            } catch (IOException e) {
                log.warn("iptables failed for {}: {}", String.join(" ", rule), e.toString());
            }
        }
    }

    /** Deletes every copy of each rule. */
    void remove(List<List<String>> rules) {
        if (Commands.find("iptables").isEmpty()) {
            return;
        }
        for (List<String> rule : rules) {
            try {
                for (int i = 0; i < 16 && run("-C", rule) && run("-D", rule); i++) {
                    // bounded: a rule that keeps coming back is someone else's loop, not ours to chase
                }
            } catch (IOException e) {
                log.debug("iptables cleanup of {} failed: {}", String.join(" ", rule), e.toString());
            }
        }
    }

    private boolean run(String op, List<String> rule) throws IOException {
        List<String> args = new ArrayList<>(List.of("-w", "5", op));
        args.addAll(rule);
        return commands.run("iptables", args, null).ok();
    }
}
