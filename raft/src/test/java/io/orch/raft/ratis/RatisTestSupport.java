package io.orch.raft.ratis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Free ports and a look at what Ratis keeps on disk. */
final class RatisTestSupport {
    private static final Pattern CLOSED_SEGMENT = Pattern.compile("log_(\\d+)-(\\d+)");
    private static final Pattern OPEN_SEGMENT = Pattern.compile("log_inprogress_(\\d+)");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    private RatisTestSupport() {
    }

    /** This module's share of loopback ports for multi-replica tests (other suites use other ranges). */
    private static final int RANGE_FIRST = 21100;
    private static final int RANGE_SIZE = 100;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_IN_RANGE = new java.util.concurrent.atomic.AtomicInteger();

    /** A port from 21100-21199 that is free now (tried in turn, wrapping around). */
    static int rangePort() {
        for (int tries = 0; tries < RANGE_SIZE; tries++) {
            int port = RANGE_FIRST + Math.floorMod(NEXT_IN_RANGE.getAndIncrement(), RANGE_SIZE);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException inUse) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port in " + RANGE_FIRST + "-" + (RANGE_FIRST + RANGE_SIZE - 1));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RaftSettings settings(Path dir, int port) {
        return fast(RaftSettings.singleVoter("n1", "127.0.0.1:" + port, "test-cluster", dir));
    }

    /**
     * Election timeouts of 200..400 ms: tests of elections, failover and lost quorum run in
     * seconds (the production default, 400..800 ms, also rides out busy hosts: RaftSettings).
     */
    static RaftSettings fast(RaftSettings settings) {
        return settings.withElectionTimeouts(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(400));
    }

    static Path groupDir(RaftSettings settings) {
        return settings.storageDir().resolve(settings.groupId().getUuid().toString());
    }

    /** First log index of every segment file (closed and open), ascending. */
    static List<Long> segmentStartIndexes(RaftSettings settings) {
        return names(groupDir(settings).resolve("current")).stream()
                .map(name -> {
                    Matcher closed = CLOSED_SEGMENT.matcher(name);
                    if (closed.matches()) {
                        return Long.parseLong(closed.group(1));
                    }
                    Matcher open = OPEN_SEGMENT.matcher(name);
                    return open.matches() ? Long.parseLong(open.group(1)) : null;
                })
                .filter(java.util.Objects::nonNull)
                .sorted()
                .toList();
    }

    /** Index of every snapshot file that has its .md5 beside it, ascending. */
    static List<Long> snapshotIndexes(RaftSettings settings) {
        Path dir = groupDir(settings).resolve("sm");
        return names(dir).stream()
                .map(SNAPSHOT::matcher)
                .filter(Matcher::matches)
                .filter(m -> Files.exists(dir.resolve(m.group() + ".md5")))
                .map(m -> Long.parseLong(m.group(2)))
                .sorted()
                .toList();
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
