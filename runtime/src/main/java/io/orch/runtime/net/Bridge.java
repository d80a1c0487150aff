package io.orch.runtime.net;

import java.io.IOException;

/**
 * The node's Linux bridge: every bridged container's veth is a port on it, and it holds the
 * node subnet's gateway address so the host reaches containers (and the port proxies connect
 * to them) without any forwarding. Several agents on one machine may share a bridge, each
 * with its own subnet (see {@link SubnetClaims}): every operation is idempotent.
 */
public final class Bridge {
    private Bridge() {}

    /** Creates the bridge if missing, adds the subnet's gateway address if missing, and sets it up. */
    public static void ensure(String name, Subnet subnet) throws IOException {
        checkName(name);
        if (!exists(name)) {
            IpCommand.Result r = IpCommand.run("link", "add", "name", name, "type", "bridge");
            if (!r.ok() && !exists(name)) { // another agent may have just created it
                throw new IOException("cannot create bridge " + name + ": " + r.output());
            }
        }
        if (!hasAddress(name, subnet)) {
            IpCommand.Result r = IpCommand.run("addr", "add", subnet.gatewayCidr(), "dev", name);
            if (!r.ok() && !hasAddress(name, subnet)) {
                throw new IOException("cannot give bridge " + name + " address " + subnet.gatewayCidr() + ": " + r.output());
            }
        }
        IpCommand.check("link", "set", name, "up");
        BridgeForwarding.allow(name);
    }

    public static boolean exists(String name) throws IOException {
        return IpCommand.run("link", "show", "dev", name).ok();
    }

    static boolean hasAddress(String name, Subnet subnet) throws IOException {
        IpCommand.Result r = IpCommand.run("-4", "-o", "addr", "show", "dev", name);
        return r.ok() && r.output().contains(" " + subnet.gatewayCidr() + " ");
    }

    /** Removes the bridge (tests, and an operator's cleanup); its ports go with it. */
    public static void delete(String name) throws IOException {
        if (exists(name)) {
            IpCommand.check("link", "del", name);
        }
        BridgeForwarding.remove(name);
    }

    /** Linux interface names are at most 15 bytes and must not contain '/', ':' or spaces. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("bridge name " + name
                    + " is not a valid interface name (1-15 letters, digits, '_', '.', '-')");
        }
    }
}
