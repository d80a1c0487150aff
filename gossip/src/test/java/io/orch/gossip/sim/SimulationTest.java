package io.orch.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Seeded simulations of 1,000 members in virtual time (no sockets). Sized for CI (two cores, a few
 * minutes for all gossip tests): few tries, no shrinking (each try is a whole cluster run). A failing
 * seed is printed by jqwik and in the assertion message; replay it with a plain test like
 * {@link #replayOfARecordedSeed()}.
 */
class SimulationTest {

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = 2, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void killedMembersAreDeclaredDeadByEverySurvivorWithinTheBoundAndNoLiveOneIs(@ForAll("seeds") long seed) {
        SimulationScenarios.killedMembersAreDeclaredDeadEverywhere(seed, 8);
    }

    @Property(tries = 1, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void partitionedHalvesConvergeBackToOneMembershipAfterHealing(@ForAll("seeds") long seed) {
        SimulationScenarios.partitionedHalvesConvergeAfterHealing(seed, SimulationScenarios.CLUSTER);
    }

    @Example
    void messagesPerMemberPerSecondAreAboutFlatFrom100To1000Members() {
        double small = SimulationScenarios.quietMessageRate(11, 100);
        double large = SimulationScenarios.quietMessageRate(11, 1000);
        double ratio = large / small;
        assertTrue(ratio > 0.67 && ratio < 1.5,
                String.format("messages/member/s: %.1f at 100 members, %.1f at 1000 (ratio %.2f)", small, large, ratio));
    }

    /** A fixed seed as a plain test: how a seed that once failed is kept as a regression test. */
    @Example
    void replayOfARecordedSeed() {
        SimulationScenarios.killedMembersAreDeclaredDeadEverywhere(20_240_611L, 3);
    }
}
