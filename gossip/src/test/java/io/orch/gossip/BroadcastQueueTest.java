package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.Suspect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastQueueTest {

    private static Gossip alive(String name, long inc) {
        return Gossip.newBuilder().setAlive(Alive.newBuilder().setName(name).setAddress("10.0.0.1:7946")
                .setIncarnation(inc).setProtocol(1)).build();
    }

    private static List<Gossip> take(BroadcastQueue q, int budget, int limit) {
        List<Gossip> out = new ArrayList<>();
        q.take(budget, limit, out);
        return out;
    }

    @Test
    void aMessageIsSentExactlyTransmitLimitTimes() {
        BroadcastQueue q = new BroadcastQueue();
        q.enqueue("a", alive("a", 1));
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(alive("a", 1)), take(q, 1000, 3));
        }
        assertTrue(take(q, 1000, 3).isEmpty());
        assertTrue(q.isEmpty());
    }

    @Test
    void aNewerMessageAboutTheSameMemberSupersedesTheOlder() {
        BroadcastQueue q = new BroadcastQueue();
        boolean[] oldDone = {false};
        q.enqueue("a", alive("a", 1), () -> oldDone[0] = true);
        Gossip suspect = Gossip.newBuilder().setSuspect(Suspect.newBuilder().setName("a").setIncarnation(1).setFrom("b")).build();
        q.enqueue("a", suspect);
        assertTrue(oldDone[0], "the superseded message is finished");
        assertEquals(List.of(suspect), take(q, 1000, 5));
    }

    @Test
    void leastTransmittedAndNewestMessagesGoFirst() {
        BroadcastQueue q = new BroadcastQueue();
        q.enqueue("old", alive("old", 1));
        take(q, 1000, 10); // "old" now has one transmission
        q.enqueue("new1", alive("new1", 1));
        q.enqueue("new2", alive("new2", 1));
        List<Gossip> sent = take(q, 1000, 10);
        assertEquals(List.of(alive("new2", 1), alive("new1", 1), alive("old", 1)), sent);
    }

    @Test
    void aPacketTakesOnlyWhatFitsInItsBudget() {
        BroadcastQueue q = new BroadcastQueue();
        for (int i = 0; i < 100; i++) {
            q.enqueue("m" + i, alive("member-" + i, 1));
        }
        int one = alive("member-10", 1).getSerializedSize();
        int entry = one + BroadcastQueue.entrySize(one);
        List<Gossip> out = new ArrayList<>();
        int used = q.take(entry * 5 + entry / 2, 10, out);
        assertEquals(5, out.size());
        assertEquals(entry * 5, used);
    }

    @Test
    void trimmingDropsTheMostTransmittedFirst() {
        BroadcastQueue q = new BroadcastQueue();
        q.enqueue("a", alive("a", 1));
        take(q, 1000, 10);
        q.enqueue("b", alive("b", 1));
        q.trimTo(1);
        assertEquals(List.of(alive("b", 1)), take(q, 1000, 10));
    }
}
