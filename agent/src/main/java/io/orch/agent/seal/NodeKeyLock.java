package io.orch.agent.seal;

import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeKeyCodec;
import io.orch.agent.pki.SealedPem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where this node's credentials are saved (DATA/certificates) and under which unlock key its
 * {@code node.key} is sealed: one per agent run, and every writer of the key goes through it (init,
 * join, a role switch, a certificate renewal, a root CA change, and {@link StoreKeyGuard} when
 * autolock is turned on or off or its key rotated), so a renewal and a re-encryption never cross
 * and none writes the key in a form the other did not mean.
 *
 * <p>Only managers seal their key: a worker holds no unlock key (as in swarmkit).
 */
public final class NodeKeyLock {
    private final Path certificateDir;
    /** The unlock key the key file is sealed under; empty: in clear. */
    private Optional<UnlockKey> unlock;

    public NodeKeyLock(Path certificateDir, Optional<UnlockKey> unlock) {
        this.certificateDir = certificateDir;
        this.unlock = unlock;
    }

    public Path directory() {
        return certificateDir;
    }

    /** Saves {@code credentials}, the key sealed if autolock is on here. */
    public synchronized void save(NodeCredentials credentials) throws IOException {
        credentials.save(certificateDir, codec(unlock));
    }

    /**
     * Saves {@code credentials} with the key sealed under {@code under} (empty: in clear), which is
     * the key from now on: a role switch (a worker keeps its key in clear; a manager of an
     * autolocked cluster seals it from its first save).
     */
    public synchronized void save(NodeCredentials credentials, Optional<UnlockKey> under) throws IOException {
        credentials.save(certificateDir, codec(under));
        unlock = under;
    }

    /** The saved credentials (empty when none are), the key opened with the unlock key if it is sealed. */
    public synchronized Optional<NodeCredentials> load() throws IOException {
        return NodeCredentials.load(certificateDir, codec(unlock));
    }

    /**
     * From now on the key is sealed under {@code next} (empty: in clear), and the saved key is
     * re-written so at once: read with the key it was sealed under, written in its new form
     * (atomically, never in clear when {@code next} is a key).
     *
     * @throws IOException when the saved key cannot be read with the key held until now; the key
     *     held is then unchanged
     */
    public synchronized void relock(Optional<UnlockKey> next) throws IOException {
        Optional<NodeCredentials> saved = NodeCredentials.load(certificateDir, codec(unlock));
        if (saved.isPresent()) {
            saved.get().save(certificateDir, codec(next));
        }
        unlock = next;
    }

    /** Whether the key file in {@code certificateDir} is sealed: a manager with it starts locked. */
    public static boolean sealed(Path certificateDir) throws IOException {
        Path key = certificateDir.resolve(NodeCredentials.KEY_FILE);
        return Files.isRegularFile(key) && SealedPem.isSealed(Files.readString(key, StandardCharsets.US_ASCII));
    }

    static NodeKeyCodec codec(Optional<UnlockKey> unlock) {
        return unlock.<NodeKeyCodec>map(NodeKeySeal::new).orElse(NodeKeyCodec.CLEAR);
    }

    @Override
    public String toString() {
        return "NodeKeyLock[" + (unlock.isPresent() ? "sealed" : "clear") + "]";
    }
}
