package io.orch.runtime.image.registry;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The real CNCF distribution registry (Debian's {@code docker-registry}) with htpasswd (bcrypt)
 * Basic auth on a loopback port, as a private registry is usually run; images are pushed into it
 * with skopeo and the login. {@link #missingTools()} says why it cannot run here, if it cannot.
 */
public final class AuthenticatedRegistry implements AutoCloseable {
    public final String address;
    public final String username;
    public final String password;
    private final Process process;
    private final Path log;

    public AuthenticatedRegistry(Path dir, String username, String password) throws Exception {
        this(dir, username, password, "127.0.0.1:" + TestPorts.free());
    }

    /** @param address where it listens (host:port; a loopback host) */
    public AuthenticatedRegistry(Path dir, String username, String password, String address) throws Exception {
        this.address = address;
        this.username = username;
        this.password = password;
        Files.createDirectories(dir);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"),
                username + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 6) + "\n");
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("data"),
                "http:",
                "  addr: " + address,
                "auth:",
                "  htpasswd:",
                "    realm: orch-test",
                "    path: " + htpasswd,
                ""));
        log = dir.resolve("registry.log");
        process = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await("registry answering /v2/ on " + address).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** Why this registry cannot run on this machine (a tool missing), if it cannot. */
    public static Optional<String> missingTools() {
        for (String tool : List.of("docker-registry", "skopeo")) {
            boolean found = false;
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                found |= Files.isExecutable(Path.of(d, tool));
            }
            if (!found) {
                return Optional.of(tool + " is not installed (apt-get install docker-registry skopeo)");
            }
        }
        return Optional.empty();
    }

    /** Pushes an OCI archive as {@code repository:tag} with the login; answers the reference. */
    public String push(Path ociArchive, String repositoryAndTag) throws Exception {
        String ref = address + "/" + repositoryAndTag;
        Process p = new ProcessBuilder("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "--dest-creds", username + ":" + password, "oci-archive:" + ociArchive, "docker://" + ref)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("skopeo push of " + ref + " failed: " + out);
        }
        return ref;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
