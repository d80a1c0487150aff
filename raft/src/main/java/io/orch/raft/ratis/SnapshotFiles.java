package io.orch.raft.ratis;

import io.orch.api.proto.StoreSnapshot;
import io.orch.raft.PayloadSeal;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Writes and reads the store's snapshot: one {@link StoreSnapshot} protobuf per file, named
 * {@code snapshot.<term>_<index>} in the Ratis state machine directory (the name Ratis parses and
 * ships to lagging followers), with a {@code .md5} beside it. The file holds the snapshot sealed
 * ({@link PayloadSeal}): the leader ships it to a lagging follower as it is, and every manager
 * holds the same store key. The .md5 is over the sealed bytes (it finds a torn file; the seal
 * finds a changed one).
 */
final class SnapshotFiles {
    private SnapshotFiles() {
    }

    /**
     * Crash-safe: the data goes to a temporary file and is fsynced, then the .md5 is written
     * (atomically, fsynced), then the data is renamed into place and the directory fsynced. A
     * crash leaves either no snapshot for this index or a complete one with its checksum.
     */
    static SingleFileSnapshotInfo write(SimpleStateMachineStorage storage, TermIndex at, StoreSnapshot snapshot,
            PayloadSeal seal) throws IOException {
        File target = storage.getSnapshotFile(at.getTerm(), at.getIndex());
        Path tmp = target.toPath().resolveSibling(target.getName() + ".writing");
        byte[] bytes = seal.seal(snapshot.toByteArray());
        MD5Hash md5 = md5(bytes);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            MD5FileUtil.saveMD5File(target, md5);
            Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a full disk: leave nothing half-written behind (Ratis retries the snapshot often)
            Files.deleteIfExists(tmp);
            throw e;
        }
        fsyncDirectory(target.toPath().getParent());
        return new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), at);
    }

    /**
     * Deletes temporary snapshot files a crash or a full disk left behind (a {@code .writing} file
     * is never a snapshot: the rename into place is the commit).
     */
    static int deleteUnfinished(SimpleStateMachineStorage storage) {
        File dir = storage.getSnapshotFile(0, 0).getParentFile();
        File[] unfinished = dir == null ? null : dir.listFiles((d, name) -> name.endsWith(".writing"));
        int deleted = 0;
        for (File f : unfinished == null ? new File[0] : unfinished) {
            if (f.delete()) {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Reads and verifies a snapshot; a missing or wrong checksum, or a seal that does not open, is
     * an error, never silently skipped.
     */
    static StoreSnapshot read(SingleFileSnapshotInfo info, PayloadSeal seal) throws IOException {
        Path path = info.getFile().getPath();
        MD5Hash expected = info.getFile().getFileDigest();
        if (expected == null) {
            expected = MD5FileUtil.readStoredMd5ForFile(path.toFile());
        }
        if (expected == null) {
            throw new IOException("snapshot " + path + " has no .md5 file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readAllBytes();
        }
        MD5Hash actual = md5(bytes);
        if (!expected.equals(actual)) {
            throw new IOException("snapshot " + path + " is corrupt: md5 " + actual + " != stored " + expected);
        }
        try {
            return StoreSnapshot.parseFrom(seal.unseal(bytes));
        } catch (PayloadSeal.UnsealException e) {
            throw new IOException("snapshot " + path + " cannot be opened: " + e.getMessage(), e);
        }
    }

    static TermIndex termIndexOf(SingleFileSnapshotInfo info) {
        return SimpleStateMachineStorage.getTermIndexFromSnapshotFile(info.getFile().getPath().toFile());
    }

    private static MD5Hash md5(byte[] bytes) {
        MessageDigest digest = MD5Hash.getDigester();
        digest.update(bytes);
        return new MD5Hash(digest.digest());
    }

    /** Makes the rename durable (POSIX); a no-op where directories cannot be opened. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // not supported on this platform/file system; the rename is still atomic
        }
    }
}
