package io.orch.agent;

import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.pki.ApiTlsSettings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Everything an agent process is started with. Ports the agent needs beyond the flags are
 * derived from {@code listenAddr} (see {@link #raftAddr()}), so several agents run side by side
 * on one host with only the documented flags.
 *
 * @param apiSocket unix socket for the API, or null for none
 * @param apiAddr   TCP address for the API (plain HTTP on loopback only, or TLS per {@code apiTls}), or null for none
 * @param runtime   the node's default runtime name, or null to pick the best available
 * @param advertiseHost the host other nodes reach this one on (replaces a wildcard listen host)
 * @param join      the cluster to join (`orch join`), or null to create or resume one (`orch init`)
 * @param forceNewCluster `orch init --force-new-cluster`: make this manager the sole voter of its cluster
 * @param addressPools `orch init --default-addr-pool...`: what a new cluster allocates overlay subnets from
 * @param insecureRegistries `--insecure-registry HOST:PORT`: registries this node pulls from over plain http
 *                           (loopback registries always are)
 * @param restartGrace `--restart-grace`: on a plain stop this node announces a restart, and the managers
 *                     keep its tasks where they are for this long (zero: no announcement, peers find it dead)
 * @param apiTls    `--tlsverify` and its files: the TLS of the TCP API, or null for plain HTTP (loopback only)
 * @param autolock `orch init --autolock`: a new cluster starts with autolock on (its managers' store key
 *                 files encrypted with an unlock key shown once); ignored, with a warning, on a resume
 */
public record AgentConfig(Path dataDir, HostPort listenAddr, HostPort gossipAddr, Path apiSocket,
                          HostPort apiAddr, String runtime, String hostname, String advertiseHost,
                          JoinTarget join, boolean forceNewCluster, ClusterBootstrap.AddressPools addressPools,
                          Set<String> insecureRegistries, Duration restartGrace, ApiTlsSettings apiTls,
                          boolean autolock) {

    /**
     * Long enough for an agent upgrade or a host's service restart (JVM start, re-attach, rejoin);
     * short enough that a node that does not come back has its tasks moved within a minute.
     */
    public static final Duration DEFAULT_RESTART_GRACE = Duration.ofSeconds(30);

    public AgentConfig {
        if (addressPools == null) {
            addressPools = ClusterBootstrap.AddressPools.defaults();
        }
        insecureRegistries = insecureRegistries == null ? Set.of() : Set.copyOf(insecureRegistries);
        restartGrace = restartGrace == null ? DEFAULT_RESTART_GRACE : restartGrace;
        if (restartGrace.isNegative()) {
            throw new IllegalArgumentException("restartGrace must not be negative: " + restartGrace);
        }
    }

    /** Without TLS on the TCP API, without autolock. */
    public AgentConfig(Path dataDir, HostPort listenAddr, HostPort gossipAddr, Path apiSocket,
                       HostPort apiAddr, String runtime, String hostname, String advertiseHost,
                       JoinTarget join, boolean forceNewCluster, ClusterBootstrap.AddressPools addressPools,
                       Set<String> insecureRegistries, Duration restartGrace) {
        this(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost, join, forceNewCluster,
                addressPools, insecureRegistries, restartGrace, null, false);
    }

    /** This configuration with autolock asked for a new cluster. */
    public AgentConfig withAutolock(boolean on) {
        return new AgentConfig(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost,
                join, forceNewCluster, addressPools, insecureRegistries, restartGrace, apiTls, on);
    }

    /** With the default restart grace. */
    public AgentConfig(Path dataDir, HostPort listenAddr, HostPort gossipAddr, Path apiSocket,
                       HostPort apiAddr, String runtime, String hostname, String advertiseHost,
                       JoinTarget join, boolean forceNewCluster, ClusterBootstrap.AddressPools addressPools,
                       Set<String> insecureRegistries) {
        this(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost, join, forceNewCluster,
                addressPools, insecureRegistries, null);
    }

    /**
     * This configuration with the node's own settings that no swarm request carries taken from
     * {@code flags} (the agent's command line): its insecure registries, restart grace and API TLS. Every
     * configuration built from a request or remembered addresses goes through here, so none of
     * those flags is dropped on the way.
     */
    public AgentConfig withNodeSettingsOf(AgentConfig flags) {
        return new AgentConfig(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost,
                join, forceNewCluster, addressPools, flags.insecureRegistries(), flags.restartGrace(), flags.apiTls(),
                autolock);
    }


    /** With no insecure registries. */
    public AgentConfig(Path dataDir, HostPort listenAddr, HostPort gossipAddr, Path apiSocket,
                       HostPort apiAddr, String runtime, String hostname, String advertiseHost,
                       JoinTarget join, boolean forceNewCluster, ClusterBootstrap.AddressPools addressPools) {
        this(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost, join, forceNewCluster,
                addressPools, Set.of());
    }

    /** With Swarm's default address pools. */
    public AgentConfig(Path dataDir, HostPort listenAddr, HostPort gossipAddr, Path apiSocket,
                       HostPort apiAddr, String runtime, String hostname, String advertiseHost,
                       JoinTarget join, boolean forceNewCluster) {
        this(dataDir, listenAddr, gossipAddr, apiSocket, apiAddr, runtime, hostname, advertiseHost, join, forceNewCluster,
                ClusterBootstrap.AddressPools.defaults());
    }

    /** The token and a manager's listen address, as given to `orch join`. */
    public record JoinTarget(String token, HostPort manager) {
        @Override
        public String toString() {
            return "JoinTarget[manager=" + manager + "]"; // never the token
        }
    }

    /** The RPC (listen) address other nodes use. */
    public HostPort advertisedListenAddr() {
        return listenAddr.advertised(advertiseHost);
    }

    public HostPort advertisedGossipAddr() {
        return gossipAddr.advertised(advertiseHost);
    }

    public HostPort advertisedRaftAddr() {
        return raftAddr().advertised(advertiseHost);
    }

    /** Raft (Ratis) traffic uses the listen port + 2 (+1 is commonly the gossip port in tests). */
    public static final int RAFT_PORT_OFFSET = 2;

    public HostPort raftAddr() {
        return new HostPort(listenAddr.host(), listenAddr.port() + RAFT_PORT_OFFSET);
    }

    /** host:port, parsed with a clear message naming the flag. */
    public record HostPort(String host, int port) {
        public static HostPort parse(String flag, String value, int defaultPort) {
            String host = value;
            int port = defaultPort;
            int colon = value.lastIndexOf(':');
            if (colon >= 0) {
                host = value.substring(0, colon);
                String p = value.substring(colon + 1);
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(flag + " " + value + ": port \"" + p + "\" is not a number");
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "0.0.0.0";
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(flag + " " + value + ": port must be between 1 and 65535");
            }
            return new HostPort(host, port);
        }

        public InetSocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        /** An address other nodes can reach: the wildcard is replaced by {@code fallbackHost}. */
        public HostPort advertised(String fallbackHost) {
            return host.equals("0.0.0.0") || host.equals("::") ? new HostPort(fallbackHost, port) : this;
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
