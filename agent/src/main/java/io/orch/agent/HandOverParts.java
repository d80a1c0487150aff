package io.orch.agent;

import io.orch.agent.api.ApiServer;
import io.orch.agent.worker.Worker;

/**
 * The parts of a {@link RunningRole} that may outlive it, shared by both roles: the API (handed
 * to the `swarm leave` that stops the node, which answers on it and then closes it), gossip
 * (handed to the role that replaces this one, so the others never see the node leave) and the
 * worker (whose tasks a leaving node destroys once the role is closed). What was released is
 * the taker's to close; the role closes the rest, each at its own point of its close order.
 */
final class HandOverParts {
    final Part<ApiServer> api = new Part<>();
    final Part<Gossip> gossip = new Part<>();
    private volatile Worker worker;

    Worker worker() {
        return worker;
    }

    void worker(Worker worker) {
        this.worker = worker;
    }

    /** One part a role holds until it is released to another owner. */
    static final class Part<T> {
        private volatile T value;

        /** The part, or null before the role set it and after it was released. */
        T get() {
            return value;
        }

        void set(T value) {
            this.value = value;
        }

        /** The part, now the caller's to close; null if the role had none. */
        T release() {
            T v = value;
            value = null;
            return v;
        }
    }
}
