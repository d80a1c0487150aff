package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProposalAdmissionTest {

    @Test
    void admitsUpToTheLimitThenRefusesAtOnceSayingToRetry() {
        ProposalAdmission admission = new ProposalAdmission(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(admission.tryAdmit().isEmpty(), "proposal " + i);
        }
        ProposalFailedException refused = admission.tryAdmit().orElseThrow();
        assertTrue(refused.getMessage().contains("3 proposals") && refused.getMessage().contains("try again"),
                refused.getMessage());
        assertEquals(3, admission.inFlight());
    }

    @Test
    void aReleasedPermitAdmitsTheNextProposal() {
        ProposalAdmission admission = new ProposalAdmission(1);
        assertTrue(admission.tryAdmit().isEmpty());
        assertTrue(admission.tryAdmit().isPresent());
        admission.release();
        assertTrue(admission.tryAdmit().isEmpty());
        assertEquals(1, admission.inFlight());
    }

    @Test
    void aLimitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ProposalAdmission(0));
    }
}
