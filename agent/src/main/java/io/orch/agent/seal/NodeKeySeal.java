package io.orch.agent.seal;

import io.orch.agent.pki.NodeKeyCodec;
import io.orch.agent.pki.SealedPem;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An autolocked manager's {@code node.key}: the clear PEM sealed (AES-256-GCM) under the unlock
 * key's key-encryption key, the same derivation as the store key file ({@link KeyWrap}), in orch's
 * own PEM armour ({@link SealedPem}). A file still in clear is read as it is (a manager that was
 * down when autolock was turned on, or one from before this): its {@link StoreKeyGuard} re-writes
 * it sealed.
 */
public final class NodeKeySeal implements NodeKeyCodec {
    private final UnlockKey unlock;

    public NodeKeySeal(UnlockKey unlock) {
        this.unlock = unlock;
    }

    @Override
    public String encode(String clearPem) {
        byte[] clear = clearPem.getBytes(StandardCharsets.US_ASCII);
        try {
            return SealedPem.armour(KeyWrap.sealUnder(unlock, clear));
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    @Override
    public String decode(String stored) throws Unreadable {
        if (!SealedPem.isSealed(stored)) {
            return stored;
        }
        byte[] sealed = SealedPem.unarmour(stored)
                .orElseThrow(() -> new Unreadable("the encrypted node key is damaged (not base64 between its PEM lines)"));
        try {
            byte[] clear = KeyWrap.openUnder(unlock, sealed);
            try {
                return new String(clear, StandardCharsets.US_ASCII);
            } finally {
                Arrays.fill(clear, (byte) 0);
            }
        } catch (KeyWrap.InvalidUnlockKey e) {
            throw new Unreadable("the node key does not open with this unlock key (or it was changed on disk)");
        }
    }

    @Override
    public String toString() {
        return "NodeKeySeal[<redacted>]";
    }
}
