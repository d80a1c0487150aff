package io.orch.agent.seal;

import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An autolocked manager's node key: sealed under the unlock key on disk, opened only with it. */
class NodeKeyLockTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static NodeCredentials credentials;
    /** The key's clear PEM body (base64 of its PKCS#8 DER) and the DER itself. */
    private static String pemBody;
    private static byte[] der;

    @TempDir
    Path data;

    @BeforeAll
    static void credentials(@TempDir Path clear) throws IOException {
        credentials = NodeCredentials.selfIssued(RootCa.create("c1"), "m1", NodeRole.MANAGER, List.of("127.0.0.1"));
        credentials.save(clear);
        String pem = Files.readString(clear.resolve(NodeCredentials.KEY_FILE));
        pemBody = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        der = Base64.getDecoder().decode(pemBody);
    }

    @Test
    void aSealedKeyRoundTripsWithTheUnlockKeyAndNeverHoldsTheClearKey() throws IOException {
        UnlockKey key = UnlockKey.generate(RANDOM);
        Path dir = NodeCredentials.directoryIn(data);
        new NodeKeyLock(dir, Optional.of(key)).save(credentials);

        String onDisk = Files.readString(dir.resolve(NodeCredentials.KEY_FILE));
        assertTrue(onDisk.startsWith("-----BEGIN ORCH ENCRYPTED PRIVATE KEY-----"), onDisk);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(NodeCredentials.KEY_FILE))));
        assertNoClearKeyIn(dir);
        assertTrue(NodeKeyLock.sealed(dir));

        NodeCredentials opened = new NodeKeyLock(dir, Optional.of(key)).load().orElseThrow();
        assertEquals(credentials.certificate(), opened.certificate(), "the key matches its certificate (load checks it)");
    }

    @Test
    void aWrongKeyOrNoKeyIsRefusedNamingTheFileButNotTheKey() throws IOException {
        UnlockKey key = UnlockKey.generate(RANDOM);
        Path dir = NodeCredentials.directoryIn(data);
        new NodeKeyLock(dir, Optional.of(key)).save(credentials);

        IOException wrong = assertThrows(IOException.class,
                () -> new NodeKeyLock(dir, Optional.of(UnlockKey.generate(RANDOM))).load());
        assertTrue(wrong.getMessage().contains("node.key") && wrong.getMessage().contains("does not open"), wrong.getMessage());
        IOException none = assertThrows(IOException.class, () -> NodeCredentials.load(dir));
        assertTrue(none.getMessage().contains("encrypted (autolock)"), none.getMessage());
        assertFalse(wrong.getMessage().contains(key.text()) || none.getMessage().contains(pemBody.substring(0, 16)));
    }

    @Test
    void aChangedByteIsRefused() throws IOException {
        UnlockKey key = UnlockKey.generate(RANDOM);
        Path dir = NodeCredentials.directoryIn(data);
        new NodeKeyLock(dir, Optional.of(key)).save(credentials);
        Path file = dir.resolve(NodeCredentials.KEY_FILE);
        String text = Files.readString(file);
        int at = text.indexOf('\n') + 20;
        char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
        Files.writeString(file, text.substring(0, at) + flipped + text.substring(at + 1));
        assertThrows(IOException.class, () -> new NodeKeyLock(dir, Optional.of(key)).load());
    }

    @Test
    void relockReEncryptsUnderTheNewKeyAndBackToClear() throws IOException {
        UnlockKey first = UnlockKey.generate(RANDOM);
        UnlockKey second = UnlockKey.generate(RANDOM);
        Path dir = NodeCredentials.directoryIn(data);
        NodeKeyLock lock = new NodeKeyLock(dir, Optional.empty());
        lock.save(credentials);
        assertFalse(NodeKeyLock.sealed(dir));

        lock.relock(Optional.of(first));
        assertNoClearKeyIn(dir);
        lock.relock(Optional.of(second)); // orch unlock-key --rotate
        assertNoClearKeyIn(dir);
        assertThrows(IOException.class, () -> new NodeKeyLock(dir, Optional.of(first)).load(), "the old key no longer opens it");
        assertEquals(credentials.certificate(), new NodeKeyLock(dir, Optional.of(second)).load().orElseThrow().certificate());

        lock.save(credentials); // a renewal after the rotation: sealed under the new key
        assertEquals(credentials.certificate(), new NodeKeyLock(dir, Optional.of(second)).load().orElseThrow().certificate());

        lock.relock(Optional.empty()); // --autolock=false
        assertFalse(NodeKeyLock.sealed(dir));
        assertEquals(credentials.certificate(), NodeCredentials.load(dir).orElseThrow().certificate());
    }

    @Test
    void aClearKeyIsReadUnderAutolockSoThatItCanBeSealed() throws IOException {
        Path dir = NodeCredentials.directoryIn(data);
        credentials.save(dir); // a manager that was down when autolock was turned on
        UnlockKey key = UnlockKey.generate(RANDOM);
        NodeKeyLock lock = new NodeKeyLock(dir, Optional.of(key));
        assertEquals(credentials.certificate(), lock.load().orElseThrow().certificate());
        lock.relock(Optional.of(key));
        assertNoClearKeyIn(dir);
    }

    @Test
    void aSaveThatFailsBeforeItsRenameLeavesOnlyTheSealedForm() throws IOException {
        UnlockKey key = UnlockKey.generate(RANDOM);
        Path dir = NodeCredentials.directoryIn(data);
        // node.key a non-empty directory: the move of the staged key over it fails, the staged file stays
        Files.createDirectories(dir.resolve(NodeCredentials.KEY_FILE).resolve("blocker"));
        assertThrows(IOException.class, () -> new NodeKeyLock(dir, Optional.of(key)).save(credentials));
        Path staged = dir.resolve(NodeCredentials.KEY_FILE + ".new");
        assertTrue(Files.isRegularFile(staged), "the staged key is what a crash would leave");
        assertTrue(Files.readString(staged).startsWith("-----BEGIN ORCH ENCRYPTED PRIVATE KEY-----"), "staged sealed, never clear");
        assertNoClearKeyIn(dir);
    }

    /** Neither the PEM body nor the DER of the private key, nor the DER in hex, in any file under {@code dir}. */
    private static void assertNoClearKeyIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(pemBody.substring(0, 40)), f + " holds the key's PEM body");
                assertFalse(text.contains(new String(der, StandardCharsets.ISO_8859_1)), f + " holds the key's DER");
                assertFalse(text.toLowerCase().contains(HexFormat.of().formatHex(der).substring(0, 64)), f + " holds the DER in hex");
            }
        }
    }
}
