package io.orch.agent.api;

import io.orch.raft.ForwardingProposer;
import io.orch.raft.LocalProposer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

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
    private static final class StaleProposer extends ForwardingProposer {
        private final Optional<String> stale;

        StaleProposer(Optional<String> stale) {
            super(new LocalProposer());
            this.stale = stale;
        }

        @Override
        public Optional<String> staleReads() {
            return stale;
        }
    }
}
