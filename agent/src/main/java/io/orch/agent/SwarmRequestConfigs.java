package io.orch.agent;

import io.orch.agent.api.ApiException;
import io.orch.agent.api.SwarmInitRequest;
import io.orch.agent.api.SwarmJoinRequest;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.scheduler.network.ClusterAddressPools;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The agent configuration a {@code /swarm/init} or {@code /swarm/join} asks for: the agent's own
 * flags, with what the request sets instead. What orch cannot do as asked is refused (400) naming
 * the field.
 */
final class SwarmRequestConfigs {
    private SwarmRequestConfigs() {}

    static AgentConfig forInit(AgentConfig flags, SwarmInitRequest r) throws ApiException {
        if (r.forceNewCluster()) {
            throw ApiException.badRequest("ForceNewCluster: this node holds no swarm state to recover "
                    + "(run the agent on the data directory of a surviving manager)");
        }
        AgentConfig.HostPort listen = listen(flags, r.listenAddr());
        String advertise = advertise(flags, listen, r.advertiseAddr(), r.dataPathAddr());
        ClusterBootstrap.AddressPools pools;
        try {
            pools = new ClusterBootstrap.AddressPools(
                    r.defaultAddrPool().isEmpty() ? java.util.List.of(ClusterAddressPools.DEFAULT_POOL) : r.defaultAddrPool(),
                    r.subnetSize() == 0 ? ClusterAddressPools.DEFAULT_SUBNET_SIZE : r.subnetSize(),
                    r.dataPathPort() == 0 ? ClusterAddressPools.DEFAULT_DATA_PATH_PORT : r.dataPathPort());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("DefaultAddrPool/SubnetSize/DataPathPort: " + e.getMessage());
        }
        return new AgentConfig(flags.dataDir(), listen, flags.gossipAddr(), flags.apiSocket(), flags.apiAddr(),
                flags.runtime(), flags.hostname(), advertise, null, false, pools).withNodeSettingsOf(flags)
                .withAutolock(r.autolock());
    }

    /** The configuration for joining through {@code remote}, one of the request's RemoteAddrs. */
    static AgentConfig forJoin(AgentConfig flags, SwarmJoinRequest r, String remote) throws ApiException {
        AgentConfig.HostPort listen = listen(flags, r.listenAddr());
        String advertise = advertise(flags, listen, r.advertiseAddr(), r.dataPathAddr());
        AgentConfig.HostPort manager;
        try {
            manager = AgentConfig.HostPort.parse("RemoteAddrs", remote, io.orch.api.Defaults.LISTEN_PORT);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (manager.host().equals("0.0.0.0")) {
            throw ApiException.badRequest("RemoteAddrs " + remote + ": a manager's address is needed, not a wildcard");
        }
        return new AgentConfig(flags.dataDir(), listen, flags.gossipAddr(), flags.apiSocket(), flags.apiAddr(),
                flags.runtime(), flags.hostname(), advertise, new AgentConfig.JoinTarget(r.joinToken(), manager), false,
                flags.addressPools()).withNodeSettingsOf(flags);
    }

    private static AgentConfig.HostPort listen(AgentConfig flags, String listenAddr) throws ApiException {
        if (listenAddr == null) {
            return flags.listenAddr();
        }
        try {
            return AgentConfig.HostPort.parse("ListenAddr", listenAddr, io.orch.api.Defaults.LISTEN_PORT);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * The host other nodes reach this one on. orch advertises its listen port (Raft and gossip ports
     * derive from the flags), so an AdvertiseAddr with another port is refused, as is a data path
     * address other than the advertised one (overlay traffic goes there).
     */
    private static String advertise(AgentConfig flags, AgentConfig.HostPort listen, String advertiseAddr, String dataPathAddr)
            throws ApiException {
        String host;
        if (advertiseAddr == null) {
            host = listen.equals(flags.listenAddr()) || isWildcard(listen.host()) ? flags.advertiseHost() : listen.host();
        } else {
            String fromInterface = interfaceAddress(advertiseAddr);
            if (fromInterface != null) {
                host = fromInterface;
            } else {
                AgentConfig.HostPort a;
                try {
                    a = AgentConfig.HostPort.parse("AdvertiseAddr", advertiseAddr, listen.port());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
                if (a.port() != listen.port()) {
                    throw ApiException.badRequest("AdvertiseAddr " + advertiseAddr + ": orch advertises its listen port "
                            + listen.port() + "; give the host only, or the listen port");
                }
                if (isWildcard(a.host())) {
                    throw ApiException.badRequest("AdvertiseAddr " + advertiseAddr + ": an address other nodes can reach is needed, not a wildcard");
                }
                host = a.host();
            }
        }
        if (dataPathAddr != null) {
            String data = interfaceAddress(dataPathAddr);
            if (!(data != null ? data : dataPathAddr).equals(host)) {
                throw ApiException.badRequest("DataPathAddr " + dataPathAddr + ": orch carries overlay traffic on the "
                        + "advertised address (" + host + "); leave it unset or give that address");
            }
        }
        return host;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    /** The first IPv4 address of the network interface named {@code name}, or null when no interface has that name. */
    private static String interfaceAddress(String name) throws ApiException {
        NetworkInterface nic;
        try {
            nic = name.contains(".") || name.contains(":") ? null : NetworkInterface.getByName(name);
        } catch (SocketException e) {
            return null;
        }
        if (nic == null) {
            return null;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (a instanceof Inet4Address) {
                return a.getHostAddress();
            }
        }
        throw ApiException.badRequest("AdvertiseAddr " + name + ": the interface has no IPv4 address");
    }
}
