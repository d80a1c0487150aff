package io.orch.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Docker's {@code X-Registry-Auth} header (moby {@code registry.AuthConfig}, encoded by
 * {@code registry.EncodeAuthConfig}): base64url of a JSON object with {@code username},
 * {@code password}, {@code serveraddress}, or an {@code identitytoken}. Sent by {@code docker pull},
 * {@code docker service create|update --with-registry-auth} and kept, still encoded, in a
 * service's ContainerSpec.PullOptions so that it reaches the node that pulls. The secret parts
 * never appear in {@link #toString()} nor in any error this class raises.
 */
public record RegistryAuth(String username, String password, String serverAddress, String identityToken) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far larger than any real header (a few hundred bytes); refuses a decoding bomb before it is read. */
    static final int MAX_ENCODED_LENGTH = 64 * 1024;

    /**
     * The credentials the header carries; empty for a missing or blank header and for one that
     * carries none (the docker CLI sends {@code e30=}, "{}", when it has no login for the registry).
     *
     * @throws IllegalArgumentException (naming the header, never its value) when it is not base64 JSON
     */
    public static Optional<RegistryAuth> decode(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        if (header.length() > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("X-Registry-Auth: longer than " + MAX_ENCODED_LENGTH + " characters");
        }
        byte[] raw;
        try {
            // Docker encodes with URL-safe base64; older clients used the standard alphabet
            String h = header.trim();
            raw = h.indexOf('+') >= 0 || h.indexOf('/') >= 0 ? Base64.getDecoder().decode(pad(h)) : Base64.getUrlDecoder().decode(pad(h));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("X-Registry-Auth: not valid base64");
        }
        JsonNode json;
        try {
            json = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("X-Registry-Auth: not a JSON object");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("X-Registry-Auth: not a JSON object");
        }
        RegistryAuth auth = new RegistryAuth(text(json, "username"), text(json, "password"), text(json, "serveraddress"),
                text(json, "identitytoken"));
        return auth.empty() ? Optional.empty() : Optional.of(auth);
    }

    /** The value of an {@code X-Registry-Auth} header for these credentials (base64url JSON, as the docker CLI sends). */
    public String encode() {
        var o = JSON.createObjectNode();
        if (!username.isEmpty()) o.put("username", username);
        if (!password.isEmpty()) o.put("password", password);
        if (!serverAddress.isEmpty()) o.put("serveraddress", serverAddress);
        if (!identityToken.isEmpty()) o.put("identitytoken", identityToken);
        return Base64.getUrlEncoder().encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String pad(String s) {
        int rem = s.length() % 4;
        return rem == 0 ? s : s + "=".repeat(4 - rem);
    }

    private static String text(JsonNode json, String field) {
        // Go's encoding/json matches keys case-insensitively ("Username" from some clients)
        var it = json.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(field) && e.getValue().isTextual()) {
                return e.getValue().asText();
            }
        }
        return "";
    }

    public boolean empty() {
        return username.isEmpty() && password.isEmpty() && identityToken.isEmpty();
    }

    /**
     * The username and password this node can log in with. Identity tokens (OAuth refresh
     * tokens some registries hand out at login) are not supported.
     *
     * @throws IllegalArgumentException when the header carries only an identity token, or no username
     */
    public RegistryConfig.Credentials credentials() {
        if (username.isEmpty()) {
            throw new IllegalArgumentException(identityToken.isEmpty()
                    ? "X-Registry-Auth: no username"
                    : "X-Registry-Auth: identity tokens are not supported; log in with a username and password");
        }
        return new RegistryConfig.Credentials(username, password);
    }

    @Override
    public String toString() {
        return "RegistryAuth[" + username + "@" + serverAddress + ", password=***]";
    }
}
