package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static io.orch.raft.ratis.RatisTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Ratis ends the JVM ({@code ExitUtils.terminate}) when its gRPC server cannot bind; the guard turns
 * that into an exception from {@link RatisProposer#start}. Without it this test's JVM exits and
 * the run fails as a crashed fork.
 */
class RatisExitGuardTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaWhosePortIsTakenFailsToStartWithoutEndingTheJvm() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RatisProposer proposer = new RatisProposer(settings(dir, taken.getLocalPort()));
            try {
                assertThrows(Exception.class, () -> proposer.start(new SummingApplier()));
                assertFalse(proposer.isRunning());
            } finally {
                proposer.close();
            }
        }
    }
}
