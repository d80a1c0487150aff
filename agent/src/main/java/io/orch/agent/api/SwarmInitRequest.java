package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /swarm/init}, read and checked. Absent or zero fields mean "the agent's flags / orch's
 * defaults"; a setting orch cannot honour is refused with a line naming it, never ignored.
 *
 * @param listenAddr      HOST:PORT for node-to-node traffic, or null for the agent's --listen-addr
 * @param advertiseAddr   address (or interface) other nodes reach this one on, or null
 * @param dataPathAddr    overlay traffic address, or null
 * @param dataPathPort    VXLAN UDP port, or 0 for the default
 * @param defaultAddrPool overlay address pools, empty for the default
 * @param subnetSize      prefix length of each overlay subnet, or 0 for the default
 * @param forceNewCluster as {@code docker swarm init --force-new-cluster}
 * @param spec            the swarm settings asked for (checked; orch's fixed parts removed), or null for the defaults
 */
public record SwarmInitRequest(String listenAddr, String advertiseAddr, String dataPathAddr, int dataPathPort,
                               List<String> defaultAddrPool, int subnetSize, boolean forceNewCluster, ClusterSpec spec) {
    public SwarmInitRequest(String listenAddr, String advertiseAddr, String dataPathAddr, int dataPathPort,
                            List<String> defaultAddrPool, int subnetSize, boolean forceNewCluster) {
        this(listenAddr, advertiseAddr, dataPathAddr, dataPathPort, defaultAddrPool, subnetSize, forceNewCluster, null);
    }

    private static final Set<String> FIELDS = Set.of("ListenAddr", "AdvertiseAddr", "DataPathAddr", "DataPathPort",
            "DefaultAddrPool", "SubnetSize", "ForceNewCluster", "Spec", "AutoLockManagers", "Availability");
    /** More pools than anyone configures; bounds what one request makes the agent allocate. */
    static final int MAX_POOLS = 64;

    public static SwarmInitRequest read(JsonNode body) throws ApiException {
        SwarmRequestFields f = new SwarmRequestFields(body, FIELDS);
        ClusterSpec spec = null;
        if (f.firstNonZero("Spec") != null) {
            try {
                ClusterSpec requested = DockerJson.merge(body.get("Spec"), ClusterSpec.newBuilder()).build();
                LabelLimits.check("Spec.", requested);
                spec = FixedSwarmSettings.checked(requested);
            } catch (JsonModelException e) {
                throw ApiException.badRequest("Spec: " + e.getMessage());
            }
        }
        if (f.flag("AutoLockManagers")) { // docker swarm init --autolock: the managers' key files are encrypted
            spec = (spec == null ? ClusterSpec.newBuilder() : spec.toBuilder())
                    .setEncryptionConfig(io.orch.api.proto.EncryptionConfig.newBuilder().setAutoLockManagers(true)).build();
        }
        f.activeAvailability();
        return new SwarmInitRequest(f.listenAddr(), f.text("AdvertiseAddr"), f.text("DataPathAddr"),
                f.integer("DataPathPort", 1024, 49151), f.strings("DefaultAddrPool", MAX_POOLS),
                f.integer("SubnetSize", 1, 29), f.flag("ForceNewCluster"), spec);
    }

    /** `docker swarm init --autolock`: the first manager writes its key files encrypted from the start. */
    public boolean autolock() {
        return spec != null && spec.getEncryptionConfig().getAutoLockManagers();
    }

    /**
     * The new swarm's Cluster object with the settings this request asked for: as Docker's init, a
     * zero value keeps orch's default (protobuf's merge copies only the fields that are set).
     */
    public Cluster appliedTo(Cluster created) {
        if (spec == null) {
            return created;
        }
        Cluster merged = created.toBuilder().setSpec(created.getSpec().toBuilder().mergeFrom(spec)).build();
        // autolock asked for: the unlock key comes with it (docker swarm init --autolock then reads it)
        return spec.getEncryptionConfig().getAutoLockManagers()
                ? io.orch.agent.seal.AutolockPolicy.applied(merged, true, false, new java.security.SecureRandom()) : merged;
    }
}
