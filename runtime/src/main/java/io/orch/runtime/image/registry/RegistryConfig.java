package io.orch.runtime.image.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How this node talks to registries.
 *
 * @param insecure       registries (host[:port]) spoken to over plain http; localhost/127.0.0.1/[::1] always are
 * @param credentials    user/password per registry (host[:port]), sent only to that registry's token realm or itself
 * @param connectTimeout TCP connect timeout per request
 * @param readTimeout    time a request may wait for its response headers (blob bodies stream without a limit)
 */
public record RegistryConfig(Set<String> insecure, Map<String, Credentials> credentials, Duration connectTimeout,
                             Duration readTimeout) {
    public RegistryConfig {
        insecure = Set.copyOf(insecure);
        credentials = Map.copyOf(credentials);
    }

    /** No credentials, only loopback registries over http, 10 s to connect, 60 s for headers. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(Set.of(), Map.of(), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public RegistryConfig withInsecure(Set<String> registries) {
        return new RegistryConfig(registries, credentials, connectTimeout, readTimeout);
    }

    public RegistryConfig withCredentials(String registry, Credentials c) {
        Map<String, Credentials> all = new java.util.HashMap<>(credentials);
        all.put(registry, c);
        return new RegistryConfig(insecure, all, connectTimeout, readTimeout);
    }

    /** Whether {@code registry} is spoken to over http: loopback hosts and the configured insecure list. */
    public boolean plainHttp(String registry) {
        if (insecure.contains(registry)) {
            return true;
        }
        String host = hostOf(registry);
        return host.equals("localhost") || host.equals("[::1]") || host.startsWith("127.");
    }

    public Optional<Credentials> credentialsFor(String registry) {
        return Optional.ofNullable(credentials.get(registry));
    }

    private static String hostOf(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end > 0 ? registry.substring(0, end + 1) : registry;
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    /** A registry login. The password never appears in toString, logs or errors. */
    public record Credentials(String username, String password) {
        public String basicHeader() {
            String pair = username + ":" + password;
            return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[" + username + ", password=***]";
        }
    }
}
