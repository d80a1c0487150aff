package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Router, version prefix and filters: the small pure pieces. */
class RoutingHelpersTest {

    @Test
    void routerMatchesTemplatesAndGreedyNames() {
        RouteHandler h = r -> null;
        Router router = new Router()
                .get("/services/{id}", h)
                .post("/services/create", h)
                .post("/services/{id}/update", h)
                .get("/distribution/{name*}/json", h);
        assertEquals(Map.of("id", "web"), router.match(HttpMethod.GET, "/services/web").params());
        assertEquals("/services/create", router.match(HttpMethod.POST, "/services/create").route().template());
        assertEquals("/services/{id}/update", router.match(HttpMethod.POST, "/services/abc/update").route().template());
        assertEquals("docker.io/library/busybox:latest",
                router.match(HttpMethod.GET, "/distribution/docker.io/library/busybox:latest/json").params().get("name"));
        assertNull(router.match(HttpMethod.DELETE, "/services/web"));
        assertNull(router.match(HttpMethod.GET, "/services/web/extra"));
        assertNull(router.match(HttpMethod.GET, "/distribution/json"));
    }

    @Test
    void versionPrefix() throws Exception {
        assertEquals(new ApiVersions.Versioned("1.47", "/services"), ApiVersions.strip("/v1.47/services"));
        assertEquals(new ApiVersions.Versioned("1.47", "/_ping"), ApiVersions.strip("/_ping"));
        assertEquals("/info", ApiVersions.strip("/v1.40/info").path());
        assertThrows(ApiException.class, () -> ApiVersions.strip("/v1.100/info"));
        assertThrows(ApiException.class, () -> ApiVersions.strip("/v2.0/info"));
        assertThrows(ApiException.class, () -> ApiVersions.strip("/v1.9/info"));
        assertEquals("/v1.x/info", ApiVersions.strip("/v1.x/info").path(), "not a version prefix: routed as is (404)");
    }

    @Test
    void filtersAcceptBothForms() throws Exception {
        DockerFilters current = DockerFilters.parse(Optional.of("{\"name\":{\"web\":true,\"db\":false}}"));
        assertEquals(Set.of("web"), current.get("name"));
        DockerFilters legacy = DockerFilters.parse(Optional.of("{\"name\":[\"web\",\"db\"]}"));
        assertEquals(Set.of("web", "db"), legacy.get("name"));
        assertTrue(legacy.matchesExact("name", "db"));
        assertTrue(legacy.matchesPrefix("name", "webapp"));
        assertFalse(legacy.matchesPrefix("name", "api"));
        assertTrue(legacy.matchesExact("other", "anything"), "no filter on a key matches everything");
        assertThrows(ApiException.class, () -> DockerFilters.parse(Optional.of("[1]")));
        assertThrows(ApiException.class, () -> DockerFilters.parse(Optional.of("{\"name\":\"web\"}")));
        assertThrows(ApiException.class, () -> legacy.accept(Set.of("id")));
    }

    @Test
    void labelFiltersAreAndedKeyOrKeyValue() throws Exception {
        DockerFilters f = DockerFilters.parse(Optional.of("{\"label\":{\"a\":true,\"b=2\":true}}"));
        assertTrue(f.matchesLabels("label", Map.of("a", "x", "b", "2")));
        assertFalse(f.matchesLabels("label", Map.of("a", "x", "b", "3")));
        assertFalse(f.matchesLabels("label", Map.of("b", "2")));
    }
}
