package io.orch.raft.ratis;

import io.orch.api.proto.Node;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreObject;
import io.orch.raft.ApplyResult;
import io.orch.raft.store.WriteTx;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.orch.raft.ratis.RatisTestSupport.freePort;
import static io.orch.raft.ratis.RatisTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real replica does with entries near and over what its Raft log takes. An entry over
 * Ratis' log entry limit made the leader step down and its client retry it on every new leader;
 * when the client's retries ran out, its ordered requests stayed failed for good and every later
 * write on the manager failed with "RAFT is closed" until the agent restarted.
 */
class RatisProposerEntrySizeTest {
    private static final Duration PROPOSE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private RatisProposer proposer;

    @AfterEach
    void close() throws IOException {
        if (proposer != null) {
            proposer.close();
        }
    }

    private SummingApplier start() throws IOException {
        SummingApplier applier = new SummingApplier();
        proposer = new RatisProposer(settings(dir, freePort()).withProposeTimeout(PROPOSE_TIMEOUT));
        proposer.start(applier);
        return applier;
    }

    /** A command carrying {@code value} (as {@link SummingApplier#command}) that is exactly {@code bytes} long. */
    private static StoreCommand commandOf(long value, int bytes) {
        int framing = padded(value, 4_000_000).getSerializedSize() - 4_000_000; // the same varint widths from 2 to 256 MiB
        StoreCommand command = padded(value, bytes - framing);
        assertEquals(bytes, command.getSerializedSize(), "test setup: the command's size");
        return command;
    }

    private static StoreCommand padded(long value, int padding) {
        return StoreCommand.newBuilder().setProposedAtMillis(value).addActions(StoreAction.newBuilder()
                .setObject(StoreObject.newBuilder().setNode(Node.newBuilder().setId("pad").addRuntimes("x".repeat(padding)))))
                .build();
    }

    private static ApplyResult commit(CompletableFuture<ApplyResult> proposal) throws Exception {
        return proposal.get(PROPOSE_TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void ratisTakesEveryEntryTheStoreLetsThroughWithMargin() {
        RaftProperties p = RatisProperties.from(settings(dir, 4300));
        long logEntryMax = RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize();
        assertEquals(RatisProperties.LOG_ENTRY_MAX_BYTES, logEntryMax);
        assertTrue(RatisProperties.PROPOSAL_MAX_BYTES >= WriteTx.ENTRY_MAX_BYTES + (1L << 20),
                "at least 1 MiB between the store's entry cap and what the proposer sends");
        assertTrue(RatisProperties.PROPOSAL_MAX_BYTES < logEntryMax);
        // Ratis' own rules, checked when a server starts
        assertTrue(RaftServerConfigKeys.Log.writeBufferSize(p).getSize() >= logEntryMax + 8);
        assertTrue(GrpcConfigKeys.messageSizeMax(p, s -> { }).getSize() >= logEntryMax + (1L << 20));
        assertTrue(RaftServerConfigKeys.Write.byteLimit(p).getSize() >= logEntryMax);
    }

    @Test
    void theLargestProposalIsCommittedAndApplied() throws Exception {
        SummingApplier applier = start();

        ApplyResult result = commit(proposer.propose(commandOf(7, RatisProperties.PROPOSAL_MAX_BYTES)));

        assertTrue(result.ok());
        assertEquals(List.of(7L), applier.values());
    }

    @Test
    void aLargerProposalIsRefusedAtOnceAndTheLeaderStays() throws Exception {
        SummingApplier applier = start();

        CompletableFuture<ApplyResult> refused = proposer.propose(commandOf(7, RatisProperties.PROPOSAL_MAX_BYTES + 1));

        assertTrue(refused.isCompletedExceptionally(), "refused before anything was sent");
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertTrue(e.getCause().getMessage().contains("is more than one Raft log entry may carry"), e.getCause().getMessage());
        assertTrue(proposer.isLeader());
        assertTrue(commit(proposer.propose(SummingApplier.command(8))).ok());
        assertEquals(List.of(8L), applier.values());
    }

    @Test
    void aProposalRatisCannotTakeLeavesTheProposerUsable() throws Exception {
        SummingApplier applier = start();

        // around the proposer's own size check: what Ratis does with it (its leader steps down,
        // the client retries it on each new leader) must not outlive the proposal's failure
        CompletableFuture<ApplyResult> oversized = proposer.proposeAnySize(commandOf(7, RatisProperties.LOG_ENTRY_MAX_BYTES + 1));
        assertThrows(ExecutionException.class, () -> commit(oversized));

        // the next writes go through at once (each within the propose timeout), and in order
        for (long v = 1; v <= 5; v++) {
            assertTrue(commit(proposer.propose(SummingApplier.command(v))).ok(), "write " + v);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), applier.values());
    }
}
