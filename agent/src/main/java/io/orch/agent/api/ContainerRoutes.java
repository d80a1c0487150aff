package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /containers/create} and {@code /containers/{id}/start}, what {@code docker run} sends:
 * orch runs containers only as tasks of services, so both answer 501 with one line saying what to
 * use instead. Never 404: the docker CLI reads a 404 from create as "No such image", pulls the
 * image from a registry and tries again, so the user would wait for a pull before seeing the
 * real answer (or see a pull error instead of it).
 */
final class ContainerRoutes {
    static final String SERVICES_ONLY =
            "orch runs services, not standalone containers: use docker service create";

    void register(Router router) {
        router.post("/containers/create", r -> {
            throw refused();
        });
        router.post("/containers/{id}/start", r -> {
            throw refused();
        });
    }

    private static ApiException refused() {
        return new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, SERVICES_ONLY);
    }
}
