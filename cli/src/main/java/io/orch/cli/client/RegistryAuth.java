package io.orch.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The X-Registry-Auth value {@code --with-registry-auth} sends, as the docker CLI builds it: the
 * credentials {@code docker login} stored for the image's registry in the docker config file
 * ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), as base64url JSON
 * {"username","password","serveraddress"}; {@code {}} when there are none. Credential helpers
 * (credsStore/credHelpers) are not run: a registry that needs one is refused, naming it.
 */
public final class RegistryAuth {
    static final String DOCKER_HUB = "https://index.docker.io/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    private RegistryAuth() {}

    public static String forImage(String image, Map<String, String> env) {
        String registry = registryOf(image);
        JsonNode config = readConfig(env);
        ObjectNode auth = JSON.createObjectNode();
        JsonNode entry = config.path("auths").path(registry);
        if (entry.isMissingNode() && registry.equals(DOCKER_HUB)) entry = config.path("auths").path("docker.io");
        if (entry.isObject()) {
            String encoded = entry.path("auth").asText("");
            if (!encoded.isEmpty()) {
                String userPass = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                if (colon > 0) {
                    auth.put("username", userPass.substring(0, colon)).put("password", userPass.substring(colon + 1));
                }
            }
            if (!entry.path("identitytoken").asText("").isEmpty()) auth.put("identitytoken", entry.path("identitytoken").asText());
            auth.put("serveraddress", registry);
        } else if (config.path("credHelpers").has(registry) || config.hasNonNull("credsStore")) {
            throw new CliException(1, "Error: --with-registry-auth: the credentials for " + registry
                    + " are kept by a docker credential helper, which orch does not run; log in without one");
        }
        try {
            return Base64.getUrlEncoder().encodeToString(JSON.writeValueAsBytes(auth));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** docker's reference rules: the first path part is a registry when it has a dot or a port, or is localhost. */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String first = image.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) return first;
        }
        return DOCKER_HUB;
    }

    private static JsonNode readConfig(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        try {
            if (!Files.isRegularFile(file)) return JSON.createObjectNode();
            if (Files.size(file) > MAX_CONFIG_BYTES) throw new CliException(1, "Error: " + file + " is larger than 1 MiB");
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CliException(1, "Error: cannot read " + file + ": " + e.getMessage());
        }
    }
}
