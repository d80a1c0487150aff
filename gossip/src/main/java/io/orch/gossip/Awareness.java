package io.orch.gossip;

import java.time.Duration;

/**
 * Lifeguard local health awareness: a score in {@code [0, max-1]} that rises when the local member
 * shows signs of being the slow one (it missed nacks from helpers, it had to refute a suspicion about
 * itself) and falls with each successful probe. The probe interval and probe timeout scale with
 * {@code score + 1}, so a starved member probes less eagerly and waits longer before accusing others.
 */
final class Awareness {

    private final int max;
    private int score;

    Awareness(int max) {
        this.max = max;
    }

    void applyDelta(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    int score() {
        return score;
    }

    Duration scale(Duration base) {
        return GossipConfig.scaleByHealth(base, score);
    }
}
