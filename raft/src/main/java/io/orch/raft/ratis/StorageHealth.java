package io.orch.raft.ratis;

import java.util.Optional;

/**
 * What a replica's storage allows, from its free space and whether writing its log failed (a pure
 * function; {@link RatisProposer} samples it once a second). Below the minimum the replica refuses
 * writes before one fails; after a failed log write (Ratis' log then refuses every later write) it
 * restarts its replica in place, but only once twice the minimum is free, so it does not restart
 * into a disk that fills again at the first segment.
 *
 * @param problem why writes are refused, or empty when the storage is healthy
 * @param restart the log failed and there is room again: restart the replica in place
 */
record StorageHealth(Optional<String> problem, boolean restart) {

    static StorageHealth judge(long freeBytes, long minFreeBytes, Optional<String> logFailure, String dir) {
        Optional<String> lowSpace = freeBytes < minFreeBytes
                ? Optional.of(String.format("only %d MiB free in %s (at least %d MiB needed)", freeBytes >> 20, dir,
                        Math.max(1, minFreeBytes >> 20)))
                : Optional.empty();
        if (logFailure.isPresent()) {
            if (freeBytes >= 2 * minFreeBytes) {
                return new StorageHealth(logFailure.map(StorageHealth::failedWrite), true);
            }
            return new StorageHealth(Optional.of(failedWrite(logFailure.get()) + lowSpace.map(s -> "; " + s).orElse("")),
                    false);
        }
        return new StorageHealth(lowSpace, false);
    }

    static String failedWrite(String cause) {
        return "writing the raft log failed: " + cause;
    }
}
