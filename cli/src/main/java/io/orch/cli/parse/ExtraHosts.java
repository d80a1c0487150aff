package io.orch.cli.parse;

/**
 * {@code --host name:ip} (or {@code name=ip}) into the swarm hosts-file form {@code "ip name"},
 * as docker's convertExtraHostsToSwarmHosts.
 */
public final class ExtraHosts {
    private ExtraHosts() {}

    public static String toSwarm(String text) {
        int sep = text.indexOf('=');
        if (sep < 0) sep = text.indexOf(':');
        if (sep <= 0 || sep == text.length() - 1) throw new InvalidValueException("bad format for add-host: \"" + text + "\": expected HOST:IP");
        String host = text.substring(0, sep);
        String ip = text.substring(sep + 1);
        if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
        if (!ip.matches("[0-9A-Fa-f:.]+")) throw new InvalidValueException("invalid IP address in add-host: \"" + ip + "\"");
        return ip + " " + host;
    }

    /** The host name of a swarm hosts entry ("ip name [aliases]"). */
    public static String hostOf(String swarmEntry) {
        String[] parts = swarmEntry.trim().split("\\s+");
        return parts.length > 1 ? parts[1] : parts[0];
    }
}
