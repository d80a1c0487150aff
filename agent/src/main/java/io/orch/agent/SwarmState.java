package io.orch.agent;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The part of a data directory that makes a node a member of a swarm: everything but the image
 * store. Its marker is the cluster identity file: a data directory with it resumes its swarm.
 */
final class SwarmState {
    /**
     * Kept when a node leaves its swarm: pulled and loaded images are the node's, not the swarm's;
     * the running agent's {@link DataDirLock} file is its hold on the directory.
     */
    static final Set<String> KEPT = Set.of("images", DataDirLock.FILE);

    private SwarmState() {}

    static boolean present(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(ClusterIdentity.FILE));
    }

    /** Removes the swarm state; the identity file first, so an interrupted removal never resumes half a node. */
    static void remove(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(ClusterIdentity.FILE));
        List<Path> entries;
        try (Stream<Path> s = Files.list(dataDir)) {
            entries = s.filter(p -> !KEPT.contains(p.getFileName().toString())).toList();
        }
        for (Path p : entries) {
            deleteTree(p);
        }
    }

    /**
     * Removes what an init writes before its identity file (the node certificate, the Raft log,
     * the peers file): the leftovers of one that failed or was killed part-way. Nothing else: a
     * data directory without an identity file may hold anything (its owner's files included).
     */
    static void removeUnfinished(Path dataDir) throws IOException {
        if (present(dataDir)) {
            throw new IllegalStateException(dataDir + " holds a swarm: not an unfinished one");
        }
        Path certificates = io.orch.agent.pki.NodeCredentials.directoryIn(dataDir);
        if (Files.isRegularFile(certificates.resolve("node.key"))) {
            deleteTree(certificates);
        }
        Path raft = dataDir.resolve("raft");
        if (Files.isDirectory(raft) && onlyRaftGroups(raft)) {
            deleteTree(raft);
        }
        io.orch.agent.seal.StoreKeyFile.delete(dataDir);
        for (String file : List.of(ClusterPeers.FILE, ClusterPeers.FILE + ".tmp", ClusterIdentity.FILE + ".tmp")) {
            Files.deleteIfExists(dataDir.resolve(file));
        }
    }

    /** Whether {@code dir} holds nothing but Ratis group directories (named by a UUID), as orch's Raft dir does. */
    private static boolean onlyRaftGroups(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(p -> Files.isDirectory(p) && p.getFileName().toString()
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
