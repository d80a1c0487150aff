package io.orch.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.raft.store.Ids;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Which cluster a data directory belongs to and which node it is. Written once, atomically,
 * when a cluster is created; its presence is how `orch init` knows to resume instead of
 * creating a second cluster.
 */
public record ClusterIdentity(String clusterId, String nodeId) {
    static final String FILE = "cluster.json";

    public static ClusterIdentity fresh() {
        return new ClusterIdentity(Ids.newId(), Ids.newId());
    }

    public static Optional<ClusterIdentity> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json = DockerJson.MAPPER.readTree(file.toFile());
        String cluster = json.path("ClusterID").asText("");
        String node = json.path("NodeID").asText("");
        if (cluster.isEmpty() || node.isEmpty()) {
            throw new IOException(file + " is damaged: ClusterID and NodeID are required");
        }
        return Optional.of(new ClusterIdentity(cluster, node));
    }

    public void save(Path dataDir) throws IOException {
        ObjectNode json = DockerJson.MAPPER.createObjectNode().put("ClusterID", clusterId).put("NodeID", nodeId);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Files.write(tmp, DockerJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
