package io.orch.runtime.runc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ContainerSpec's Hosts as /etc/hosts lines. Docker's API form is "IP host1 host2"; the
 * docker CLI's --host form "host:IP" is accepted too, as the daemon does.
 */
public final class HostsEntries {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})");

    private HostsEntries() {}

    /** "IP\thost1 host2". @throws IllegalArgumentException naming the entry when it is not one */
    public static String line(String entry) {
        String e = entry.trim();
        String ip;
        List<String> names = new ArrayList<>();
        String[] fields = e.split("\\s+");
        if (fields.length > 1) {
            ip = fields[0];
            names.addAll(List.of(fields).subList(1, fields.length));
        } else {
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("invalid host entry \"" + entry + "\" (want \"IP host...\" or \"host:IP\")");
            }
            names.add(e.substring(0, colon));
            ip = e.substring(colon + 1);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
        }
        if (!IPV4.matcher(ip).matches() && !IPV6.matcher(ip).matches()) {
            throw new IllegalArgumentException("invalid host entry \"" + entry + "\": \"" + ip + "\" is not an IP address");
        }
        for (String n : names) {
            if (!HOST.matcher(n).matches()) {
                throw new IllegalArgumentException("invalid host entry \"" + entry + "\": \"" + n + "\" is not a host name");
            }
        }
        return ip + "\t" + String.join(" ", names);
    }
}
