package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The swarm-membership routes of a node in a swarm, tried before its other routes: {@code POST
 * /swarm/leave} on any node, and on a running manager {@code POST /swarm/unlock}, answered as Docker
 * does on a manager that is not locked (a locked one serves {@link LockedNodeApi}).
 */
public final class SwarmLifecycleRoutes {
    /** Docker's answer to {@code swarm unlock} on a manager that is not locked (409). */
    static final String NOT_LOCKED = "swarm is not locked";

    private SwarmLifecycleRoutes() {}

    /** For a manager's API. */
    public static Router manager(SwarmMembership membership) {
        Router router = leave(membership);
        router.post("/swarm/unlock", r -> {
            throw ApiException.conflict(NOT_LOCKED);
        });
        return router;
    }

    /** For a worker's API (its other /swarm routes answer that it is not a manager). */
    public static Router worker(SwarmMembership membership) {
        Router router = leave(membership);
        router.post("/swarm/init", r -> {
            throw ApiException.unavailable(SwarmRoutes.ALREADY_IN_SWARM);
        });
        router.post("/swarm/join", r -> {
            throw ApiException.unavailable(SwarmRoutes.ALREADY_IN_SWARM);
        });
        return router;
    }

    private static Router leave(SwarmMembership membership) {
        Router router = new Router();
        router.post("/swarm/leave", r -> {
            Runnable leave = membership.leave(r.flag("force"));
            return AnswerThenSwitch.json(HttpResponseStatus.OK, null, leave);
        });
        return router;
    }
}
