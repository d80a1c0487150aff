package io.orch.agent;

import io.orch.agent.configfile.ConfigFileDefaults;
import io.orch.agent.logging.AgentLogging;
import io.orch.agent.logging.LogFormat;
import io.orch.agent.logging.LogLevel;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.pki.ApiTlsSettings;
import io.orch.api.Defaults;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The flags `orch init`, `orch join` and `orch agent` share: where the node keeps its state and
 * listens, and how it logs. Each is also a key of the config file (docs/configuration.md).
 */
public final class AgentOptions {
    @Option(names = ConfigFileDefaults.OPTION, paramLabel = "FILE", description = "Config file (YAML): its keys are "
            + "these options' long names, e.g. `data-dir: /var/lib/orch`; flags given here win over it (default: $"
            + ConfigFileDefaults.ENV + ", else " + "/etc/orch/orch.yaml when it exists).")
    Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT", converter = LogFormat.Converter.class,
            description = "How the agent logs to stderr: text, or json (one object per line) (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat = LogFormat.TEXT;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LogLevel.Converter.class, description = "error, warn, "
            + "info, debug or trace (default: ${DEFAULT-VALUE}); stack traces and the embedded libraries' own INFO "
            + "events only at debug and trace.")
    LogLevel logLevel = LogLevel.INFO;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = Defaults.dataDir();

    @Option(names = "--listen-addr", paramLabel = "HOST:PORT", description = "Node-to-node address (default: ${DEFAULT-VALUE}).")
    String listenAddr = "0.0.0.0:" + Defaults.LISTEN_PORT;

    @Option(names = "--advertise-addr", paramLabel = "HOST", description = "Address other nodes reach this one on "
            + "(default: the --listen-addr host, or this host's first non-loopback address when that is a wildcard).")
    String advertiseAddr;

    @Option(names = "--gossip-addr", paramLabel = "HOST:PORT", description = "Gossip (SWIM) address (default: ${DEFAULT-VALUE}).")
    String gossipAddr = "0.0.0.0:" + Defaults.GOSSIP_PORT;

    @Option(names = "--api-socket", paramLabel = "PATH", description = "Unix socket for the API, mode 0660, group orch when " +
            "it exists (default: /run/orch/orch.sock as root, ~/.orch/orch.sock otherwise, unless a plain-HTTP --api-addr is given).")
    Path apiSocket;

    @Option(names = "--api-addr", paramLabel = "HOST:PORT", description = "TCP address for the API: plain HTTP on a loopback "
            + "address only (default port 2375); with --tlsverify TLS with client certificates, on any address (default port 2376).")
    String apiAddr;

    @Option(names = "--tlsverify", description = "Serve the TCP API (--api-addr) over TLS 1.2+ and require client certificates: "
            + "from --tlscacert, else API client certificates of this cluster (`orch cert issue`; a node's certificate is refused). "
            + "The server certificate is --tlscert/--tlskey, else this node's own (it renews in place; clients must name an address "
            + "it carries: --advertise-addr or the --api-addr host).")
    boolean tlsVerify;

    @Option(names = "--tlscacert", paramLabel = "FILE", description = "With --tlsverify: the CA (PEM, one or more) client certificates must come from.")
    Path tlsCaCert;

    @Option(names = "--tlscert", paramLabel = "FILE", description = "With --tlsverify: the API's server certificate (PEM, its chain may follow).")
    Path tlsCert;

    @Option(names = "--tlskey", paramLabel = "FILE", description = "With --tlsverify: the server certificate's private key (PEM).")
    Path tlsKey;

    @Option(names = "--runtime", paramLabel = "NAME", description = "Default runtime for tasks that name none: runc, docker or process (default: runc when the agent is root and runc is installed, else docker when a Docker engine answers, else process).")
    String runtime;

    @Option(names = "--hostname", paramLabel = "NAME", description = "Node hostname as shown by `node ls` (default: this host's name).")
    String hostname;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "A registry to pull from over plain "
            + "HTTP (repeatable); registries on a loopback address always are.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--restart-grace", paramLabel = "DURATION", description = "On a plain stop (SIGTERM) this node "
            + "announces a restart: managers keep its tasks where they are (node status Unknown) until it is back or "
            + "this long has passed, e.g. 30s, 2m, 1m30s; 0s: no announcement, its tasks move at once (default: 30s).")
    String restartGrace;

    /**
     * First thing a command does: checks its config file (also when the command line overrode
     * every key), sets up logging, then logs the file's warnings.
     */
    void start(CommandSpec command) {
        List<String> warnings = command.defaultValueProvider() instanceof ConfigFileDefaults file
                ? file.check(command) : List.of();
        AgentLogging.configure(logLevel, logFormat);
        for (String w : warnings) {
            LoggerFactory.getLogger(AgentOptions.class).warn(w);
        }
    }

    /**
     * Runs a command's checks of its option values: a refusal naming a flag whose value came from
     * the config file is prefixed with the file, line and column of that value.
     */
    static <T> T locating(CommandSpec command, java.util.concurrent.Callable<T> checks) throws Exception {
        try {
            return checks.call();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m != null && m.startsWith("--") && command.defaultValueProvider() instanceof ConfigFileDefaults file) {
                String flag = m.split("[ :=]", 2)[0];
                String at = file.position(command, flag);
                if (at != null) {
                    throw new IllegalArgumentException(at + ": key '" + flag.substring(2) + "': " + m, e);
                }
            }
            throw e;
        }
    }

    @Option(names = "--metrics-addr", paramLabel = "HOST:PORT", description = "Also serve GET /metrics (Prometheus) "
            + "on this plain-HTTP address, any address allowed: it serves nothing else, so it exposes no control, but its "
            + "labels name services, tasks and nodes (default port " + METRICS_PORT + "; default: no such listener).")
    String metricsAddr;

    /** Docker's conventional --metrics-addr port. */
    static final int METRICS_PORT = 9323;

    /**
     * {@code --metrics-addr}, or null when not given.
     *
     * @throws IllegalArgumentException one line naming the flag: a malformed address or a host that does not resolve
     */
    AgentConfig.HostPort metricsAddr() {
        if (metricsAddr == null) {
            return null;
        }
        AgentConfig.HostPort parsed = AgentConfig.HostPort.parse("--metrics-addr", metricsAddr, METRICS_PORT);
        try {
            InetAddress.getByName(parsed.host());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--metrics-addr " + metricsAddr + ": unknown host " + parsed.host());
        }
        return parsed;
    }

    AgentConfig config(AgentConfig.JoinTarget join, boolean forceNewCluster) throws Exception {
        return config(join, forceNewCluster, null);
    }

    /** @param addressPools a new cluster's address pools (`orch init` only), or null for the defaults */
    AgentConfig config(AgentConfig.JoinTarget join, boolean forceNewCluster, ClusterBootstrap.AddressPools addressPools)
            throws Exception {
        AgentConfig.HostPort listen = AgentConfig.HostPort.parse("--listen-addr", listenAddr, Defaults.LISTEN_PORT);
        AgentConfig.HostPort gossip = AgentConfig.HostPort.parse("--gossip-addr", gossipAddr, Defaults.GOSSIP_PORT);
        ApiTlsSettings tls = apiTls(apiAddr, tlsVerify, tlsCaCert, tlsCert, tlsKey);
        AgentConfig.HostPort api = apiAddr == null ? null
                : AgentConfig.HostPort.parse("--api-addr", apiAddr, tls == null ? PLAIN_API_PORT : TLS_API_PORT);
        if (api != null && tls == null && !InetAddress.getByName(api.host()).isLoopbackAddress()) {
            throw new IllegalArgumentException("--api-addr " + apiAddr
                    + ": plain HTTP is only allowed on a loopback address (add --tlsverify to serve TLS with client certificates)");
        }
        if (runtime != null && !runtime.equals("process") && !runtime.equals("runc") && !runtime.equals("docker")) {
            throw new IllegalArgumentException("--runtime " + runtime + ": unknown runtime (available: runc, docker, process)");
        }
        // a plain TCP address replaces the default socket (as dockerd's -H); a TLS one does not:
        // the socket is where the first client certificate is issued (`orch cert issue`)
        Path socket = apiSocket != null ? apiSocket : (api == null || tls != null ? Defaults.apiSocket() : null);
        String host = hostname != null ? hostname : InetAddress.getLocalHost().getHostName();
        String advertise = advertiseAddr != null ? advertiseAddr : defaultAdvertiseHost(listen);
        return new AgentConfig(dataDir.toAbsolutePath(), listen, gossip, socket, api, runtime, host, advertise,
                join, forceNewCluster, addressPools, insecureRegistries(insecureRegistries), restartGrace(restartGrace), tls, false);
    }

    /** Docker's ports: 2375 for plain HTTP, 2376 for TLS. */
    static final int PLAIN_API_PORT = 2375;
    static final int TLS_API_PORT = 2376;

    /**
     * The API's TLS from the flags, or null for none. TLS is served only with client certificates
     * required: {@code --tlscert}/{@code --tlskey} (or {@code --tlscacert}) without {@code --tlsverify}
     * are refused rather than served as dockerd's {@code --tls} mode, where anyone who reaches the
     * port drives the cluster (the exposure plain HTTP on the network is refused for).
     *
     * @throws IllegalArgumentException one line naming the flag
     */
    static ApiTlsSettings apiTls(String apiAddr, boolean verify, Path caCert, Path cert, Path key) {
        if (!verify) {
            String given = cert != null ? "--tlscert" : key != null ? "--tlskey" : caCert != null ? "--tlscacert" : null;
            if (given != null) {
                throw new IllegalArgumentException(given + " needs --tlsverify: orch serves TLS on the API only with client "
                        + "certificates required (TLS without them would let anyone who reaches the port drive the cluster)");
            }
            return null;
        }
        if (apiAddr == null) {
            throw new IllegalArgumentException("--tlsverify needs --api-addr: TLS applies to the TCP API (the unix socket needs none)");
        }
        ApiTlsSettings settings = new ApiTlsSettings(caCert, cert, key);
        settings.check();
        return settings;
    }

    private static final java.util.regex.Pattern DURATION_PART = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s|m|h)");
    /** A restart that takes longer than this is an outage: let the tasks move. */
    static final Duration MAX_RESTART_GRACE = Duration.ofHours(1);

    /** {@code --restart-grace}: a Go-style duration (30s, 2m, 1m30s, 0s), at most an hour; null for the default. */
    static Duration restartGrace(String value) {
        if (value == null) {
            return null;
        }
        java.util.regex.Matcher m = DURATION_PART.matcher(value.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != value.trim().length()) {
            throw new IllegalArgumentException("--restart-grace " + value + ": expected a duration such as 30s, 2m or 1m30s");
        }
        if (total.compareTo(MAX_RESTART_GRACE) > 0) {
            throw new IllegalArgumentException("--restart-grace " + value + ": at most 1h");
        }
        return total;
    }

    /** Each value as Docker's --insecure-registry takes a registry: host[:port], with no scheme or path. */
    static Set<String> insecureRegistries(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            String r = v.trim();
            if (r.isEmpty() || r.contains("/") || r.contains("://") || r.contains(" ")) {
                throw new IllegalArgumentException("--insecure-registry " + v + ": expected HOST[:PORT], e.g. registry.lan:5000");
            }
            AgentConfig.HostPort.parse("--insecure-registry", r, 443); // checks the port
            out.add(r);
        }
        return out;
    }

    /** The listen host, unless it is a wildcard: then the first up, non-loopback IPv4 address. */
    private static String defaultAdvertiseHost(AgentConfig.HostPort listen) throws Exception {
        if (!listen.host().equals("0.0.0.0") && !listen.host().equals("::")) {
            return listen.host();
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        return "127.0.0.1";
    }
}
