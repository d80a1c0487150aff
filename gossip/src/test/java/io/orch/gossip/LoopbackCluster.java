package io.orch.gossip;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Real members on 127.0.0.1 in this JVM, each recording what its listener hears. */
final class LoopbackCluster implements AutoCloseable {

    record Heard(String origin, byte[] payload) {
    }

    /**
     * Only an upper bound (passing tests finish in a second or two): real sockets and threads on a
     * CI machine whose two cores are busy with other builds may take far longer than the protocol.
     */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    final List<Membership> members = new ArrayList<>();
    final List<Queue<MembershipEvent>> events = new ArrayList<>();
    final List<Queue<Heard>> messages = new ArrayList<>();

    /** Starts {@code n} members joined through the first one and waits until everyone sees everyone. */
    static LoopbackCluster start(int n, Keyring keyring) throws Exception {
        LoopbackCluster c = new LoopbackCluster();
        for (int i = 0; i < n; i++) {
            c.add("member-" + i, keyring);
        }
        c.members.get(0).start(List.of()).get(10, TimeUnit.SECONDS);
        String seed = c.members.get(0).localMember().address().toString();
        for (int i = 1; i < n; i++) {
            c.members.get(i).start(List.of(seed)).get(10, TimeUnit.SECONDS);
        }
        await().atMost(DEADLINE).until(() -> c.members.stream().allMatch(m -> m.liveMembers().size() == n));
        return c;
    }

    Membership add(String name, Keyring keyring) {
        Queue<MembershipEvent> heard = new ConcurrentLinkedQueue<>();
        Queue<Heard> user = new ConcurrentLinkedQueue<>();
        Membership m = Membership.builder(name).config(GossipConfig.local()).bindAddress("127.0.0.1:0")
                .keyring(keyring)
                .listener(new MembershipListener() {
                    @Override
                    public void onEvent(MembershipEvent event) {
                        heard.add(event);
                    }

                    @Override
                    public void onUserMessage(String origin, byte[] payload) {
                        user.add(new Heard(origin, payload));
                    }
                })
                .build();
        members.add(m);
        events.add(heard);
        messages.add(user);
        return m;
    }

    /** Waits until every member in {@code observers} has heard an event matching {@code what}. */
    void awaitEveryone(List<Integer> observers, Predicate<MembershipEvent> what) {
        await().atMost(DEADLINE).until(() ->
                observers.stream().allMatch(i -> events.get(i).stream().anyMatch(what)));
    }

    @Override
    public void close() {
        members.forEach(Membership::close);
    }
}
