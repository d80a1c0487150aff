package io.orch.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwarmStateTest {
    @TempDir
    Path dir;

    @Test
    void anUnfinishedInitLosesItsCertificateRaftLogAndPeersAndNothingElse() throws Exception {
        Files.createDirectories(dir.resolve("certificates"));
        Files.writeString(dir.resolve("certificates/node.key"), "k");
        Files.createDirectories(dir.resolve("raft/0b2c1f3e-1111-2222-3333-444455556666/current"));
        Files.writeString(dir.resolve(ClusterPeers.FILE), "{}");
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("notes.txt"), "the owner's");

        SwarmState.removeUnfinished(dir);

        assertFalse(Files.exists(dir.resolve("certificates")));
        assertFalse(Files.exists(dir.resolve("raft")));
        assertFalse(Files.exists(dir.resolve(ClusterPeers.FILE)));
        assertTrue(Files.exists(dir.resolve("images")));
        assertTrue(Files.exists(dir.resolve("notes.txt")));
    }

    @Test
    void directoriesThatAreNotOrchsAreLeftAlone() throws Exception {
        Files.createDirectories(dir.resolve("certificates"));
        Files.writeString(dir.resolve("certificates/my-own.pem"), "x");
        Files.createDirectories(dir.resolve("raft/papers"));

        SwarmState.removeUnfinished(dir);

        assertTrue(Files.exists(dir.resolve("certificates/my-own.pem")));
        assertTrue(Files.exists(dir.resolve("raft/papers")));
    }

    @Test
    void aFinishedSwarmIsNeverTakenForAnUnfinishedOne() throws Exception {
        Files.writeString(dir.resolve(ClusterIdentity.FILE), "{}");
        assertThrows(IllegalStateException.class, () -> SwarmState.removeUnfinished(dir));
    }
}
