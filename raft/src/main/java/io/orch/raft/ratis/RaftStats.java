package io.orch.raft.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One look at a replica for metrics ({@link RatisProposer#stats()}).
 *
 * @param leader        a ready leader
 * @param commitIndex   the last index this replica knows committed
 * @param appliedIndex  the last index applied to its store (commit minus applied: the apply lag)
 * @param leaderChanges leaders it has seen take over since the agent started
 * @param logBytes      the Raft log segments on disk
 * @param snapshotBytes the latest snapshot on disk (0 when none)
 */
public record RaftStats(boolean leader, long commitIndex, long appliedIndex, long leaderChanges, long logBytes,
                        long snapshotBytes) {
    public static final RaftStats NONE = new RaftStats(false, 0, 0, 0, 0, 0);

    /** Entries committed and not applied yet; never negative (the two are read one after the other). */
    public long applyLag() {
        return Math.max(0, commitIndex - appliedIndex);
    }

    /** The log segments ({@code log_*}: closed and open) in Ratis' {@code current} directory. */
    static long logBytes(Path current) {
        try (Stream<Path> files = Files.list(current)) {
            return files.filter(p -> p.getFileName().toString().startsWith("log_")).mapToLong(RaftStats::sizeOf).sum();
        } catch (IOException e) {
            return 0; // not there yet, or being rotated: the next look counts it
        }
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // replaced by a newer snapshot or segment meanwhile
        }
    }
}
