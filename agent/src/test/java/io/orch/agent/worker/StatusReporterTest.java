package io.orch.agent.worker;

import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.LocalProposer;
import io.orch.raft.Proposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusReporterTest {
    /** The local proposer, refusing every write while {@link #failing} is set (a store without quorum). */
    private static final class FlakyProposer implements Proposer {
        final LocalProposer local = new LocalProposer();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public void start(CommandApplier applier) throws IOException {
            local.start(applier);
        }

        @Override
        public CompletableFuture<ApplyResult> propose(StoreCommand command) {
            if (failing.get()) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new IOException("no quorum"));
            }
            return local.propose(command);
        }

        @Override
        public boolean alwaysCaughtUp() {
            return true;
        }

        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public void onLeadershipChange(Consumer<Boolean> listener) {
            listener.accept(true);
        }

        @Override
        public void close() {
            local.close();
        }
    }

    private final FlakyProposer proposer = new FlakyProposer();
    private final ClusterStore store = new ClusterStore(proposer, Clock.systemUTC());
    private StatusReporter reporter;

    @BeforeEach
    void setUp() throws Exception {
        store.start();
        store.updateAndWait(tx -> {
            tx.create(task("t1"));
            tx.create(task("t2"));
        });
        reporter = new StatusReporter(store);
    }

    @AfterEach
    void tearDown() {
        reporter.close();
        proposer.close();
    }

    private static Task task(String id) {
        return Task.newBuilder().setId(id).setNodeId("n1").setDesiredState(TaskState.RUNNING)
                .setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)).build();
    }

    private static TaskStatus status(TaskState state) {
        return TaskStatus.newBuilder().setState(state).setMessage(state.name().toLowerCase()).build();
    }

    private TaskState stored(String id) {
        return store.read(r -> r.task(id)).orElseThrow().getStatus().getState();
    }

    @Test
    void reportedStatusesReachTheStore() {
        reporter.report("t1", status(TaskState.RUNNING));
        reporter.report("t2", status(TaskState.FAILED));
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("t1") == TaskState.RUNNING && stored("t2") == TaskState.FAILED);
    }

    @Test
    void aBatchTheStoreRefusedIsRetriedUntilItCommits() {
        proposer.failing.set(true);
        reporter.report("t1", status(TaskState.RUNNING));
        await().atMost(Duration.ofSeconds(10)).until(() -> proposer.refused.get() >= 2);
        assertEquals(TaskState.ASSIGNED, stored("t1"));
        proposer.failing.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("t1") == TaskState.RUNNING);
    }

    @Test
    void aRetriedBatchNeverOverwritesANewerReportOfTheSameTask() {
        proposer.failing.set(true);
        reporter.report("t1", status(TaskState.RUNNING));
        await().atMost(Duration.ofSeconds(10)).until(() -> proposer.refused.get() >= 1);
        reporter.report("t1", status(TaskState.COMPLETE)); // while the RUNNING batch is being refused
        await().atMost(Duration.ofSeconds(10)).until(() -> proposer.refused.get() >= 3);
        proposer.failing.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("t1") == TaskState.COMPLETE);
        reporter.flush(Duration.ofSeconds(5));
        assertEquals(TaskState.COMPLETE, stored("t1"), "the older RUNNING did not come back over it");
    }

    @Test
    void flushReturnsOnceEverythingReportedIsCommitted() {
        proposer.failing.set(true);
        reporter.report("t1", status(TaskState.RUNNING));
        proposer.failing.set(false);
        reporter.flush(Duration.ofSeconds(10));
        assertEquals(TaskState.RUNNING, stored("t1"), "committed, not only handed to the store");
    }
}
