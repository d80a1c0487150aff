package io.orch.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive hold on a data directory for the life of one agent process. Taken before anything
 * else reads or writes the directory: two agents on one directory would start two replicas of one
 * Raft log and two supervisors of one set of tasks (Ratis noticed only much later, with ~150
 * lines of stack traces). The lock file holds the owner's pid so the refusal can name it; the
 * kernel releases the lock when the process dies, so a kill -9 never leaves it stale.
 */
final class DataDirLock implements AutoCloseable {
    /** Never removed while an agent runs ({@link SwarmState} keeps it): a new file would be a second lock. */
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dataDir} (creating it, owner-only, if needed) and records this process's pid.
     *
     * @throws DataDirInUseException when another process holds it
     */
    static DataDirLock acquire(Path dataDir) throws IOException {
        Path dir = Agent.prepareDataDir(dataDir);
        FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already (an in-process test starting a second agent)
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String owner = ownerOf(channel);
            channel.close();
            throw new DataDirInUseException("another orch agent (" + owner + ") is using " + dataDir);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    private static String ownerOf(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32); // a pid and a newline: bounded whatever the file holds
            channel.read(buf, 0);
            String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,10}") ? "pid " + pid : "pid unknown";
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** The data directory is held by another agent process. */
    static final class DataDirInUseException extends IOException {
        DataDirInUseException(String message) {
            super(message);
        }
    }
}
