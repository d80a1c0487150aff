package io.orch.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a node that joined needs to find its cluster again after a restart, without a token:
 * the gossip key, the managers it knew and gossip seeds. Kept in DATA/peers.json, mode 0600
 * (the gossip key is a cluster secret), and refreshed as managers come and go.
 *
 * @param gossipKey AES key of the cluster's gossip (never logged: see {@link #toString()})
 * @param managers  manager node id to RPC (listen) address
 * @param gossipSeeds gossip addresses to join through
 */
public record ClusterPeers(byte[] gossipKey, Map<String, String> managers, List<String> gossipSeeds) {
    static final String FILE = "peers.json";

    public ClusterPeers {
        gossipKey = gossipKey.clone();
        managers = Map.copyOf(new TreeMap<>(managers));
        gossipSeeds = List.copyOf(gossipSeeds);
    }

    public static Optional<ClusterPeers> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json = DockerJson.MAPPER.readTree(file.toFile());
        Map<String, String> managers = new TreeMap<>();
        json.path("Managers").fields().forEachRemaining(e -> managers.put(e.getKey(), e.getValue().asText()));
        List<String> seeds = new ArrayList<>();
        json.path("GossipSeeds").forEach(s -> seeds.add(s.asText()));
        return Optional.of(new ClusterPeers(Base64.getDecoder().decode(json.path("GossipKey").asText("")), managers, seeds));
    }

    public void save(Path dataDir) throws IOException {
        ObjectNode json = DockerJson.MAPPER.createObjectNode();
        json.put("GossipKey", Base64.getEncoder().encodeToString(gossipKey));
        ObjectNode m = json.putObject("Managers");
        managers.forEach(m::put);
        var seeds = json.putArray("GossipSeeds");
        gossipSeeds.forEach(seeds::add);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, DockerJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public ClusterPeers withManagers(Map<String, String> newManagers) {
        return new ClusterPeers(gossipKey, newManagers, gossipSeeds);
    }

    @Override
    public byte[] gossipKey() {
        return gossipKey.clone();
    }

    @Override
    public String toString() {
        return "ClusterPeers[managers=" + managers + ", gossipSeeds=" + gossipSeeds + "]";
    }
}
