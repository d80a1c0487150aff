package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.registry.ImageReference;
import io.orch.runtime.image.registry.RegistryClient;
import io.orch.runtime.image.registry.RegistryConfig;
import io.orch.runtime.image.registry.RegistryException;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code POST /auth} ({@code docker login}, {@code orch login}): checks a login against the
 * registry from this node, the way Docker's daemon does (GET /v2/, then Basic auth or a token from
 * the Bearer realm), and answers {@code {"Status":"Login Succeeded","IdentityToken":...}}. Nothing
 * is stored: the client keeps the login and sends it with each pull or --with-registry-auth. A
 * refused login is 401 with the registry's reason; the password is never in an answer or a log.
 */
final class AuthRoutes {
    private final RegistryConfig registries;

    /** @param registries this node's registry settings (which registries are plain http) */
    AuthRoutes(RegistryConfig registries) {
        this.registries = registries;
    }

    void register(Router router) {
        router.post("/auth", this::login);
    }

    ApiResponse login(ApiRequest request) throws ApiException {
        JsonNode body = request.jsonBody();
        String username = text(body, "username");
        String password = text(body, "password");
        if (username.isEmpty()) {
            throw ApiException.badRequest("username: missing");
        }
        String registry;
        try {
            registry = registryOf(text(body, "serveraddress"));
            ImageReference.parse(registry + "/probe");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("serveraddress: " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(registries.withCredentials(registry, new RegistryConfig.Credentials(username, password)));
        String identityToken;
        try {
            identityToken = client.login(registry);
        } catch (RegistryException e) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "login to " + registry + " failed: " + e.getMessage());
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "login to " + registry + " failed: " + e.getMessage());
        }
        ObjectNode out = DockerJson.MAPPER.createObjectNode().put("Status", "Login Succeeded").put("IdentityToken", identityToken);
        return ApiResponse.ok(out);
    }

    /**
     * The registry a login is for, as a pull names it: Docker's "https://index.docker.io/v1/" (or
     * nothing) is Docker Hub, otherwise the host[:port] without scheme or path.
     */
    static String registryOf(String serverAddress) {
        String s = serverAddress.trim();
        if (s.isEmpty()) {
            return ImageReference.DOCKER_HUB;
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("index.docker.io") || lower.equals("registry-1.docker.io") || lower.equals("docker.io")) {
            return ImageReference.DOCKER_HUB;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("no registry host in \"" + serverAddress + "\"");
        }
        return s;
    }

    /** Go's encoding/json matches keys case-insensitively: docker sends "username", some clients "Username". */
    private static String text(JsonNode body, String field) {
        var it = body.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(field) && e.getValue().isTextual()) {
                return e.getValue().asText();
            }
        }
        return "";
    }
}
