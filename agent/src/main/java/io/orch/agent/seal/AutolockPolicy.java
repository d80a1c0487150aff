package io.orch.agent.seal;

import com.google.protobuf.ByteString;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.EncryptionConfig;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * Autolock as the store holds it: {@code Spec.EncryptionConfig.AutoLockManagers} and, while it is
 * on, the unlock key ({@code Cluster.manager_unlock_key}). Turning it on makes a key, turning it
 * off removes it, a rotation replaces it; every manager then re-wraps its key file
 * ({@link StoreKeyGuard}).
 */
public final class AutolockPolicy {
    private AutolockPolicy() {
    }

    public static boolean on(Cluster cluster) {
        return cluster.getSpec().getEncryptionConfig().getAutoLockManagers();
    }

    /** The unlock key while autolock is on. */
    public static Optional<UnlockKey> unlockKey(Cluster cluster) {
        if (!on(cluster) || cluster.getManagerUnlockKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(UnlockKey.ofBytes(cluster.getManagerUnlockKey().toByteArray()));
    }

    /**
     * {@code cluster} with autolock on under {@code key}: a new cluster whose first manager wrote
     * its key files encrypted under that key from the start (`orch init --autolock`).
     */
    public static Cluster applied(Cluster cluster, UnlockKey key) {
        Cluster.Builder next = cluster.toBuilder().setManagerUnlockKey(ByteString.copyFrom(key.bytes()));
        next.getSpecBuilder().setEncryptionConfig(EncryptionConfig.newBuilder().setAutoLockManagers(true));
        return next.build();
    }

    /**
     * {@code cluster} with autolock {@code wanted}, and a new unlock key when it is turned on or
     * {@code rotate} asks for one.
     *
     * @throws IllegalArgumentException when a rotation is asked without autolock (no key to rotate)
     */
    public static Cluster applied(Cluster cluster, boolean wanted, boolean rotate, SecureRandom random) {
        Cluster.Builder next = cluster.toBuilder();
        next.getSpecBuilder().setEncryptionConfig(EncryptionConfig.newBuilder().setAutoLockManagers(wanted));
        if (!wanted) {
            if (rotate) {
                throw new IllegalArgumentException("rotateManagerUnlockKey: the swarm is not autolocked, it has no unlock "
                        + "key to rotate (turn autolock on: orch cluster update --autolock=true)");
            }
            return next.clearManagerUnlockKey().build();
        }
        if (rotate || cluster.getManagerUnlockKey().isEmpty()) {
            next.setManagerUnlockKey(ByteString.copyFrom(UnlockKey.generate(random).bytes()));
        }
        return next.build();
    }
}
