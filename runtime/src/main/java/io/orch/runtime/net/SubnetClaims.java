package io.orch.runtime.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Picks this node's subnet out of the pool so that several agents sharing one machine (and
 * so one bridge) never hand out the same container address: each claims a different child
 * subnet with a claim file (its content: the claiming agent's data dir) in a machine-wide
 * directory. An agent keeps the subnet it had (remembered in its data dir) across restarts.
 * A claim whose owner's data dir is gone is stale and may be taken over.
 */
final class SubnetClaims {
    /** In-JVM guard: a file lock is per process, and tests run several agents in one JVM. */
    private static final Object JVM_LOCK = new Object();

    private SubnetClaims() {}

    /**
     * @param claimsDir  machine-wide, e.g. {@code /run/orch/net/<bridge>}
     * @param pool       the range carved up, e.g. 10.212.0.0/16
     * @param prefix     each node's share, e.g. 24
     * @param owner      this agent's network state dir (absolute); the chosen subnet is remembered in it
     */
    static Subnet claim(Path claimsDir, Subnet pool, int prefix, Path owner) throws IOException {
        Files.createDirectories(claimsDir);
        Files.createDirectories(owner);
        Path remembered = owner.resolve("subnet");
        String me = owner.toAbsolutePath().normalize().toString();
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(claimsDir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.exists(remembered)) {
                    Subnet had = Subnet.parse(Files.readString(remembered).trim());
                    if (sameShape(had, pool, prefix) && takeIfFree(claimsDir, had, me)) {
                        return had;
                    }
                }
                long count = pool.childCount(prefix);
                for (long i = 0; i < count; i++) {
                    Subnet candidate = pool.child(prefix, i);
                    if (takeIfFree(claimsDir, candidate, me)) {
                        Files.writeString(remembered, candidate + "\n");
                        return candidate;
                    }
                }
            }
        }
        throw new IOException("every /" + prefix + " of " + pool + " is claimed by another agent on this machine (see "
                + claimsDir + ")");
    }

    private static boolean sameShape(Subnet had, Subnet pool, int prefix) {
        return had.prefix() == prefix && pool.contains(had.network());
    }

    /** Claims {@code subnet} for {@code me} if nobody, me, or a vanished agent holds it. */
    private static boolean takeIfFree(Path claimsDir, Subnet subnet, String me) throws IOException {
        Path claim = claimsDir.resolve(Subnet.format(subnet.network()) + "_" + subnet.prefix());
        if (Files.exists(claim)) {
            String holder = Files.readString(claim).trim();
            if (holder.equals(me)) {
                return true;
            }
            if (!holder.isEmpty() && Files.isDirectory(Path.of(holder))) {
                return false;
            }
        }
        Files.writeString(claim, me + "\n");
        return true;
    }
}
