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
    private volatile ApiServer api;
    private volatile Gossip gossip;
    private volatile Worker worker;

    ApiServer api() {
        return api;
    }

    void api(ApiServer api) {
        this.api = api;
    }

    /** The API, now the caller's to close; null if the role never started one. */
    ApiServer releaseApi() {
        ApiServer a = api;
        api = null;
        return a;
    }

    /** This node's gossip membership, or null before the role started or adopted one. */
    Gossip gossip() {
        return gossip;
    }

    void gossip(Gossip gossip) {
        this.gossip = gossip;
    }

    /** Gossip, now the caller's to close (the next role's, or a failed start's caller's again). */
    Gossip releaseGossip() {
        Gossip g = gossip;
        gossip = null;
        return g;
    }

    Worker worker() {
        return worker;
    }

    void worker(Worker worker) {
        this.worker = worker;
    }
}
