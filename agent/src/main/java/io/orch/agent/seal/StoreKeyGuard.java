package io.orch.agent.seal;

import io.orch.agent.loop.StatelessStoreLoop;
import io.orch.api.proto.Cluster;
import io.orch.raft.seal.SealKey;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * On every manager: keeps its store key file and its node TLS key as the cluster's autolock
 * setting says. With autolock on, the store key file holds the key wrapped under the current unlock
 * key ({@link KeyWrap}) and {@code node.key} is sealed under the same key ({@link NodeKeyLock});
 * off, both are in clear. Runs on the cluster object's changes (autolock turned on or off, the
 * unlock key rotated) and once at start, so a manager that was down during a change follows it when
 * it comes back (it still needs the unlock key it was locked with to come back).
 *
 * <p>The store key file says whether a manager starts locked, so it is encrypted first and put
 * back in clear last: a crash between the two writes leaves a manager that is locked and opens
 * with the key, never one that starts unlocked with a sealed node key.
 */
public final class StoreKeyGuard extends StatelessStoreLoop {
    private final Path dataDir;
    private final SealKey storeKey;
    private final NodeKeyLock nodeKey;
    /** What the file holds now: empty for clear, else the unlock key it is wrapped under; null before the first pass. */
    private Optional<UnlockKey> written;

    public StoreKeyGuard(ClusterStore store, Path dataDir, SealKey storeKey, NodeKeyLock nodeKey) {
        super("store-key-guard", store);
        this.dataDir = dataDir;
        this.storeKey = storeKey;
        this.nodeKey = nodeKey;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.CLUSTER;
    }

    @Override
    protected Instant reconcile(Instant now) throws IOException {
        Optional<Cluster> cluster = store.read(r -> r.cluster());
        if (cluster.isEmpty()) {
            return null;
        }
        Optional<UnlockKey> wanted = AutolockPolicy.unlockKey(cluster.get());
        if (wanted.equals(written)) {
            return null;
        }
        // a failed write is retried by the driver with backoff; the old file stays whole (atomic rename)
        if (wanted.isPresent()) {
            StoreKeyFile.saveWrapped(dataDir, storeKey.id(), KeyWrap.wrap(storeKey, wanted.get()));
            nodeKey.relock(wanted);
        } else {
            nodeKey.relock(wanted);
            StoreKeyFile.saveClear(dataDir, storeKey);
        }
        if (written != null || wanted.isPresent()) {
            log.info("the store key file is now {}", wanted.isPresent()
                    ? "encrypted with the cluster's unlock key (autolock), with the node's TLS key: a restart leaves this manager locked"
                    : "in clear (no autolock), as is the node's TLS key");
        }
        written = wanted;
        return null;
    }
}
