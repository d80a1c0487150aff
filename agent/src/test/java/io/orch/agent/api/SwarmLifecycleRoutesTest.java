package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Leave and unlock on a node in a swarm (a running manager is not locked: Docker's answer for that case). */
class SwarmLifecycleRoutesTest {
    private Boolean forced;
    private final SwarmMembership membership = new SwarmMembership() {
        @Override
        public Transition<String> init(SwarmInitRequest request) {
            throw new AssertionError();
        }

        @Override
        public Transition<Void> join(SwarmJoinRequest request) {
            throw new AssertionError();
        }

        @Override
        public Runnable leave(boolean force) throws ApiException {
            forced = force;
            if (!force) {
                throw ManagerLeaveCheck.refusal(1, 0);
            }
            return () -> { };
        }
    };

    private static ApiResponse call(Router router, HttpMethod method, String path, String query) throws Exception {
        Router.Match m = router.match(method, path);
        assertNotNull(m, path);
        Map<String, List<String>> q = query == null ? Map.of() : Map.of(query.split("=")[0], List.of(query.split("=")[1]));
        return m.route().handler().handle(new ApiRequest(method, path, m.params(), q, new byte[0]));
    }

    @Test
    void aRunningManagerIsNotLocked() throws Exception {
        Router router = SwarmLifecycleRoutes.manager(membership);
        ApiException unlock = assertThrows(ApiException.class, () -> call(router, HttpMethod.POST, "/swarm/unlock", null));
        assertEquals(409, unlock.status().code());
        assertEquals("swarm is not locked", unlock.getMessage());
    }

    @Test
    void leavePassesForceAndItsRefusal() throws Exception {
        Router router = SwarmLifecycleRoutes.manager(membership);
        ApiException refused = assertThrows(ApiException.class, () -> call(router, HttpMethod.POST, "/swarm/leave", "force=false"));
        assertEquals(503, refused.status().code());
        assertEquals(Boolean.FALSE, forced);
        assertEquals(200, call(router, HttpMethod.POST, "/swarm/leave", "force=true").status().code());
        assertEquals(Boolean.TRUE, forced);
    }

    @Test
    void aWorkerIsAlreadyInASwarm() {
        Router router = SwarmLifecycleRoutes.worker(membership);
        ApiException init = assertThrows(ApiException.class, () -> call(router, HttpMethod.POST, "/swarm/init", null));
        assertEquals(503, init.status().code());
        assertEquals(SwarmMessages.ALREADY_IN_SWARM, init.getMessage());
    }
}
