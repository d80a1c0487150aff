package io.orch.raft.ratis;

import com.google.protobuf.ByteString;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretSpec;
import io.orch.raft.seal.AesGcmSeal;
import io.orch.raft.seal.SealKey;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.orch.raft.ratis.RatisTestSupport.freePort;
import static io.orch.raft.ratis.RatisTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica with a seal writes neither its log nor its snapshots in clear, and reads them back. */
class SealedStoreOnDiskTest {
    @TempDir
    Path dir;

    private final SealKey key = SealKey.generate(new SecureRandom());
    private final String marker = "marker-" + UUID.randomUUID();

    @Test
    void neitherTheLogNorTheSnapshotHoldsASecretInClearAndBothReadBack() throws Exception {
        Path storage = dir.resolve("raft");
        int port = freePort();
        writeSecret(storage, port, new AesGcmSeal(key)); // closes with a snapshot (snapshotOnStop)

        List<Path> files = filesUnder(storage);
        assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().startsWith("log_")), "a log segment: " + files);
        assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")), "a snapshot: " + files);
        for (Path f : files) {
            assertFalse(AesGcmSealTestSupport.contains(Files.readAllBytes(f), marker.getBytes(StandardCharsets.UTF_8)),
                    "the secret's value in clear in " + f);
        }

        ClusterStore store = new ClusterStore(new RatisProposer(settings(storage, port), new AesGcmSeal(key)), Clock.systemUTC());
        try {
            store.start();
            assertEquals(marker, store.read(r -> r.secret("s1")).orElseThrow().getSpec().getData().toStringUtf8());
        } finally {
            store.proposer().close();
        }
    }

    @Test
    void aReplicaWithAnotherKeyRefusesToStartOnTheStore() throws Exception {
        Path storage = dir.resolve("raft");
        int port = freePort();
        writeSecret(storage, port, new AesGcmSeal(key));

        RatisProposer other = new RatisProposer(settings(storage, port), new AesGcmSeal(SealKey.generate(new SecureRandom())));
        ClusterStore store = new ClusterStore(other, Clock.systemUTC());
        try {
            Exception e = assertThrows(Exception.class, store::start); // as Ratis reports it: wrapped
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t.getMessage()).append(" / ");
            }
            assertTrue(chain.toString().contains("is sealed under key " + key.idHex()), chain.toString());
        } finally {
            other.close();
        }
    }

    private void writeSecret(Path storage, int port, AesGcmSeal seal) throws Exception {
        RatisProposer proposer = new RatisProposer(settings(storage, port), seal);
        ClusterStore store = new ClusterStore(proposer, Clock.systemUTC());
        try {
            store.start();
            store.updateAndWait(tx -> tx.create(Secret.newBuilder().setId("s1").setSpec(SecretSpec.newBuilder()
                    .setName("s1").setData(ByteString.copyFromUtf8(marker))).build()));
        } finally {
            proposer.close();
        }
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
