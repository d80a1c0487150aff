package io.orch.agent.pki;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeCredentialsTest {
    private static RootCa ca;

    @TempDir
    Path data;

    @BeforeAll
    static void ca() {
        ca = RootCa.create("cluster1");
    }

    @Test
    void savesAndLoadsWithTheKeyReadableByTheOwnerOnly() throws IOException {
        NodeCredentials saved = NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of("127.0.0.1"));
        Path dir = NodeCredentials.directoryIn(data);
        assertEquals(data.resolve("certificates"), dir);
        saved.save(dir);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key"))));
        assertTrue(Files.readString(dir.resolve("node.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(saved.certPem(), Files.readString(dir.resolve("node.crt")));
        assertEquals(ca.certPem(), Files.readString(dir.resolve("ca.crt")));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files left");
        }

        NodeCredentials loaded = NodeCredentials.load(dir).orElseThrow();
        assertEquals("node1", loaded.nodeId());
        assertEquals(NodeRole.WORKER, loaded.role());
        assertEquals("cluster1", loaded.clusterId());
        assertEquals(saved.certificate(), loaded.certificate());
        assertEquals(List.of(ca.certificate()), loaded.trustedRoots());

        saved.save(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key"))), "still 0600 when replaced");
    }

    @Test
    void aSaveCutShortLeavesOneWholePairOfKeyAndCertificate() throws IOException {
        Path dir = NodeCredentials.directoryIn(data);
        NodeCredentials old = NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of());
        old.save(dir);
        NodeCredentials renewed = NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of());
        Path elsewhere = data.resolve("renewed");
        renewed.save(elsewhere);

        // cut before the key was moved: the new files are there beside the old pair
        Files.copy(elsewhere.resolve("node.key"), dir.resolve("node.key.new"));
        Files.copy(elsewhere.resolve("node.crt"), dir.resolve("node.crt.new"));
        assertEquals(old.serial(), NodeCredentials.load(dir).orElseThrow().serial(), "the old pair, whole");
        assertFalse(Files.exists(dir.resolve("node.key.new")) || Files.exists(dir.resolve("node.crt.new")), "the half save is gone");

        // cut after the key was moved, before the certificate was
        Files.copy(elsewhere.resolve("node.key"), dir.resolve("node.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(elsewhere.resolve("node.crt"), dir.resolve("node.crt.new"));
        assertEquals(renewed.serial(), NodeCredentials.load(dir).orElseThrow().serial(), "the new pair, finished");
        assertFalse(Files.exists(dir.resolve("node.crt.new")));
    }

    @Test
    void nothingSavedIsEmptyButHalfSavedIsAnError() throws IOException {
        Path dir = NodeCredentials.directoryIn(data);
        assertTrue(NodeCredentials.load(dir).isEmpty(), "no directory yet");
        NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of()).save(dir);
        Files.delete(dir.resolve("ca.crt"));
        IOException e = assertThrows(IOException.class, () -> NodeCredentials.load(dir));
        assertTrue(e.getMessage().contains("ca.crt is missing"), e.getMessage());
    }

    @Test
    void aDamagedOrForeignKeyIsReportedWithoutItsContent() throws IOException {
        Path dir = NodeCredentials.directoryIn(data);
        NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of()).save(dir);
        String otherKey = RootCa.create("cluster2").keyPem();
        Files.writeString(dir.resolve("node.key"), otherKey);
        IOException foreign = assertThrows(IOException.class, () -> NodeCredentials.load(dir));
        assertTrue(foreign.getMessage().endsWith("node key does not belong to the node certificate"), foreign.getMessage());
        Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n");
        IOException damaged = assertThrows(IOException.class, () -> NodeCredentials.load(dir));
        assertTrue(damaged.getMessage().contains("node.key is damaged"), damaged.getMessage());
        assertFalse(damaged.getMessage().contains("c2VjcmV0"), damaged.getMessage());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        RootCa other = RootCa.create("cluster2");
        NodeCsr csr = NodeCredentials.generateCsr();
        String foreign = other.issue(csr.csrDer(), "node1", NodeRole.WORKER, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> csr.complete(foreign, ca.certPem()));
        assertEquals("node certificate is not signed by the CA certificate", e.getMessage());
    }

    @Test
    void toStringNamesTheNodeButNotTheKey() {
        NodeCredentials c = NodeCredentials.selfIssued(ca, "node1", NodeRole.MANAGER, List.of());
        assertTrue(c.toString().startsWith("NodeCredentials[node node1, manager, cluster cluster1"), c.toString());
        assertFalse(c.toString().contains("PRIVATE"));
    }
}
