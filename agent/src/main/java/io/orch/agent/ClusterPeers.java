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
 * What a node that joined needs to find its cluster again after a restart, without a token: the
 * managers it knew and gossip seeds, kept in DATA/peers.json (mode 0600) and refreshed as managers
 * come and go; and, in memory only, the cluster's gossip key. The key is never written: a manager
 * reads it from its replica of the store (sealed at rest), a worker hears it from a manager over its
 * dispatcher session at each start (docs/security.md). A file an older orch wrote with the key in
 * clear is read once and rewritten without it ({@link #load}).
 *
 * @param gossipKey AES key of the cluster's gossip, empty when not known yet (never logged, never saved)
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

    /**
     * The saved peers, without a gossip key; or, from a file an older orch wrote with the key in
     * clear, with it (for this run only), after rewriting the file without it: the old file's bytes
     * are overwritten with zeros and synced first, then it is replaced.
     */
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
        ClusterPeers peers = new ClusterPeers(Base64.getDecoder().decode(json.path("GossipKey").asText("")), managers, seeds);
        if (json.has("GossipKey")) {
            overwriteWithZeros(file);
            peers.save(dataDir);
        }
        return Optional.of(peers);
    }

    /** Where the file system writes in place (most do, short of copy-on-write ones), the clear key's blocks are zeroed. */
    private static void overwriteWithZeros(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20)), 0);
            ch.force(true);
        }
    }

    /** Writes the managers and gossip seeds; never the gossip key. */
    public void save(Path dataDir) throws IOException {
        ObjectNode json = DockerJson.MAPPER.createObjectNode();
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
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public ClusterPeers withManagers(Map<String, String> newManagers) {
        return new ClusterPeers(gossipKey, newManagers, gossipSeeds);
    }

    /** The same peers with the gossip key a manager told (in memory only). */
    public ClusterPeers withGossipKey(byte[] key) {
        return new ClusterPeers(key, managers, gossipSeeds);
    }

    public boolean hasGossipKey() {
        return gossipKey.length > 0;
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
