package io.orch.raft.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreSnapshot;
import io.orch.raft.CommandApplier;
import io.orch.raft.PayloadSeal;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Swarm's {@code --force-new-cluster} for a Ratis group: reads this replica's whole state off disk
 * (latest snapshot, then every entry of its log after it, in order) into the applier, without
 * starting Raft, and hands it back as the seed of a new single-voter group with the same id.
 *
 * <p>Every entry in the log counts, not only those known committed here: a committed entry may
 * not have been known committed on this replica when the quorum was lost, and this replica is now
 * the only authority (etcd's force-new-cluster commits its whole log too). The old group directory
 * is kept, renamed, for a human.
 *
 * <p>The seed snapshot is named with term 0: the new group starts its terms again from 1, and
 * Ratis requires terms to grow along the log. Other managers must rejoin with empty storage.
 */
final class ForceNewCluster {
    private static final Logger LOG = LoggerFactory.getLogger(ForceNewCluster.class);
    /** Upper bound Ratis checks each log entry's size against while reading; far above any command. */
    private static final SizeInBytes MAX_ENTRY_SIZE = SizeInBytes.valueOf("64MB");

    /** The state the new group starts from: a snapshot at the old log's last index. */
    record Seed(TermIndex at, StoreSnapshot snapshot) {
    }

    private ForceNewCluster() {
    }

    /** Loads {@code groupDir} into the empty {@code applier} and returns what the new group is seeded with. */
    static Seed recover(Path groupDir, CommandApplier applier, PayloadSeal seal) throws IOException {
        if (!Files.isDirectory(groupDir)) {
            throw new IOException("force-new-cluster: no raft data to recover at " + groupDir);
        }
        if (applier.lastAppliedIndex() > 0) {
            throw new IOException("force-new-cluster needs an empty applier (lastAppliedIndex="
                    + applier.lastAppliedIndex() + ")");
        }
        long applied = restoreLatestSnapshot(groupDir.resolve("sm"), applier, seal);
        long fromSnapshot = applied;
        for (LogSegmentPath segment : segments(groupDir.resolve("current"))) {
            applied = replay(segment, applied, applier, seal);
        }
        LOG.info("force-new-cluster: recovered {} from snapshot at {} and the log up to {}", groupDir, fromSnapshot, applied);
        return new Seed(TermIndex.valueOf(0, applied), applier.snapshot());
    }

    private static long restoreLatestSnapshot(Path smDir, CommandApplier applier, PayloadSeal seal) throws IOException {
        Optional<Path> latest = files(smDir)
                .filter(p -> SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString()).matches())
                .max(Comparator.comparingLong(ForceNewCluster::snapshotIndex));
        if (latest.isEmpty()) {
            return 0;
        }
        TermIndex at = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(latest.get().toFile());
        applier.restore(SnapshotFiles.read(new SingleFileSnapshotInfo(new FileInfo(latest.get(), null), at), seal));
        return at.getIndex();
    }

    private static long snapshotIndex(Path snapshot) {
        Matcher m = SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(snapshot.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : -1;
    }

    private static List<LogSegmentPath> segments(Path currentDir) throws IOException {
        return files(currentDir)
                .map(LogSegmentPath::matchLogSegment)
                .filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparing(LogSegmentPath::getStartEnd))
                .toList();
    }

    /**
     * Applies the segment's entries after {@code applied}; a torn tail (a crash mid-write) ends the
     * segment, as on a normal Ratis start. Returns the last index now applied.
     */
    private static long replay(LogSegmentPath segment, long applied, CommandApplier applier, PayloadSeal seal)
            throws IOException {
        long[] last = {applied};
        IOException[] gap = {null};
        LogSegment.readSegmentFile(segment.getPath().toFile(), segment.getStartEnd(), MAX_ENTRY_SIZE,
                RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN, null, entry -> {
                    if (gap[0] != null || entry.getIndex() <= last[0]) {
                        return;
                    }
                    if (entry.getIndex() != last[0] + 1) {
                        gap[0] = new IOException("force-new-cluster: the log jumps from " + last[0] + " to "
                                + entry.getIndex() + " in " + segment.getPath());
                        return;
                    }
                    apply(entry, applier, seal);
                    last[0] = entry.getIndex();
                });
        if (gap[0] != null) {
            throw gap[0];
        }
        return last[0];
    }

    /** Commands go to the applier; configuration and metadata entries only take their index. */
    private static void apply(LogEntryProto entry, CommandApplier applier, PayloadSeal seal) {
        if (!entry.hasStateMachineLogEntry()) {
            return;
        }
        try {
            // a seal that does not open is thrown: recovering without that entry would lose it silently
            applier.apply(entry.getIndex(),
                    StoreCommand.parseFrom(seal.unseal(entry.getStateMachineLogEntry().getLogData().toByteArray())));
        } catch (InvalidProtocolBufferException e) {
            // The replicas rejected it when it was applied the first time; skipping keeps the same state.
            LOG.warn("force-new-cluster: entry {} is not a readable command, skipped", entry.getIndex());
        }
    }

    /** Moves the old group directory aside so the new group can be created in its place; returns where it went. */
    static Path setAside(Path groupDir) throws IOException {
        Path aside = groupDir.resolveSibling(groupDir.getFileName() + ".before-force-new-cluster-" + System.currentTimeMillis());
        Files.move(groupDir, aside);
        LOG.warn("force-new-cluster: the old raft group data is kept at {}", aside);
        return aside;
    }

    private static Stream<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList().stream();
        }
    }
}
