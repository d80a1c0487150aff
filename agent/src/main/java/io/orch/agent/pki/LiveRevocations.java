package io.orch.agent.pki;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The revocation list this node enforces, for its whole run (it outlives role switches): a
 * manager feeds it from its store replica, a worker from its dispatcher session. Every TLS
 * handshake, every gRPC call, and on each change every connection already established
 * ({@link PeerConnections}) is judged against the snapshot held at that moment.
 */
public final class LiveRevocations {
    private final AtomicReference<RevocationList> current = new AtomicReference<>(RevocationList.EMPTY);
    private final Clock clock;
    private final PeerConnections connections = new PeerConnections();

    public LiveRevocations(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Enforces nothing: for tools and tests that have no cluster. */
    public static LiveRevocations none() {
        return new LiveRevocations(Clock.systemUTC());
    }

    public RevocationList current() {
        return current.get();
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * From now on {@code list} is enforced; connections already established to a peer it refuses
     * are closed at once (when the list changed).
     */
    public void replace(RevocationList list) {
        RevocationList before = current.getAndSet(Objects.requireNonNull(list, "list"));
        if (!before.entries().equals(list.entries())) {
            recheckConnections();
        }
    }

    /** Judges every established connection again (a policy's other input changed: the Raft voters). */
    public void recheckConnections() {
        connections.closeRefused(current.get(), clock.instant());
    }

    PeerConnections connections() {
        return connections;
    }
}
