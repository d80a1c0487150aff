package io.orch.raft.ratis;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The process killed by {@link RatisProposerDurabilityTest}: proposes 1, 2, 3, ... with up to 16
 * in flight and prints "ACK value index" for each acknowledged one, until it is killed.
 */
public final class DurabilityChild {
    private DurabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        RaftSettings settings = RatisTestSupport.settings(Path.of(args[0]), Integer.parseInt(args[1]));
        RatisProposer proposer = new RatisProposer(settings);
        proposer.start(new SummingApplier());
        System.out.println("READY");
        System.out.flush();
        Semaphore inFlight = new Semaphore(16);
        for (long value = 1; ; value++) {
            inFlight.acquire();
            long v = value;
            proposer.propose(SummingApplier.command(v)).whenComplete((result, error) -> {
                if (error == null && result.ok()) {
                    synchronized (System.out) {
                        System.out.println("ACK " + v + " " + result.index());
                        System.out.flush();
                    }
                }
                inFlight.release();
            });
        }
    }
}
