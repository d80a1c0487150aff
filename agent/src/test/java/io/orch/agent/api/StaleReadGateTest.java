package io.orch.agent.api;

import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.LocalProposer;
import io.orch.raft.Proposer;
import io.orch.api.proto.StoreCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaleReadGateTest {
    private static final String PROBLEM = "raft log failed: No space left on device";

    @Test
    void aReplicaThatAppliesNothingNewRefusesReadsOfClusterObjectsNamingWhy() throws Exception {
        try (ApiFixture api = new ApiFixture(new StaleProposer(Optional.of(PROBLEM)))) {
            for (String uri : List.of("/services", "/tasks", "/nodes", "/nodes/" + ApiFixture.SELF, "/secrets", "/configs",
                    "/networks", "/swarm")) {
                ApiFixture.Reply r = api.get(uri);
                assertEquals(503, r.status(), uri + ": " + r.body());
                assertTrue(r.body().contains("out of date") && r.body().contains(PROBLEM), uri + ": " + r.body());
            }
        }
    }

    @Test
    void nodeLocalRoutesKeepAnswering() throws Exception {
        try (ApiFixture api = new ApiFixture(new StaleProposer(Optional.of(PROBLEM)))) {
            assertEquals(200, api.get("/version").status());
            assertEquals(200, api.get("/_ping").status());
        }
    }

    @Test
    void aHealthyReplicaServesItsReads() throws Exception {
        try (ApiFixture api = new ApiFixture(new StaleProposer(Optional.empty()))) {
            assertEquals(200, api.get("/services").status());
            assertEquals(200, api.get("/nodes").status());
        }
    }

    /** A LocalProposer that says its reads are stale (the Proposer seam, as a failed Ratis log would). */
    private static final class StaleProposer implements Proposer {
        private final LocalProposer local = new LocalProposer();
        private final Optional<String> stale;

        StaleProposer(Optional<String> stale) {
            this.stale = stale;
        }

        @Override
        public Optional<String> staleReads() {
            return stale;
        }

        @Override
        public void start(CommandApplier applier) throws IOException {
            local.start(applier);
        }

        @Override
        public CompletableFuture<ApplyResult> propose(StoreCommand command) {
            return local.propose(command);
        }

        @Override
        public boolean alwaysCaughtUp() {
            return local.alwaysCaughtUp();
        }

        @Override
        public boolean isLeader() {
            return local.isLeader();
        }

        @Override
        public void onLeadershipChange(Consumer<Boolean> listener) {
            local.onLeadershipChange(listener);
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
