package io.orch.runtime.image.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real CNCF distribution registry (Debian's docker-registry): the busybox test image
 * is pushed with skopeo (which gzips its layers on the way, so the pull sees a real registry's
 * Docker v2 manifest with compressed layers) and pulled into an ImageStore. Skipped, with the
 * reason printed, where docker-registry or skopeo is not installed (.ci/run installs both).
 */
class DistributionRegistryTest {
    @TempDir
    static Path tmp;
    static Process registry;
    static String address;

    @BeforeAll
    static void startRegistry() throws Exception {
        Optional<String> missing = missingTools();
        if (missing.isPresent()) {
            System.out.println("SKIPPED DistributionRegistryTest: " + missing.get());
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.get());
        address = "127.0.0.1:" + TestPorts.free();
        Path config = tmp.resolve("registry.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + tmp.resolve("registry-data"),
                "http:",
                "  addr: " + address,
                ""));
        registry = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await("registry answering /v2/ on " + address).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!registry.isAlive()) {
                        throw new IllegalStateException("docker-registry exited: " + Files.readString(tmp.resolve("registry.log")));
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
        }
    }

    private static Optional<String> missingTools() {
        if (TestImages.unavailableReason().isPresent()) {
            return TestImages.unavailableReason();
        }
        for (String tool : List.of("docker-registry", "skopeo")) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            if (!found) {
                return Optional.of(tool + " is not installed (apt-get install docker-registry skopeo)");
            }
        }
        return Optional.empty();
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + out);
        return out;
    }

    @Test
    void pullsAnImagePushedWithSkopeoIntoTheImageStore() throws Exception {
        Path archive = TestImages.busybox().cmd("sh", "-c", "echo hi").writeOciArchive(tmp.resolve("busybox-oci.tar"), "1.0");
        String ref = address + "/orch-test/busybox:1.0";
        run("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "oci-archive:" + archive, "docker://" + ref);
        String manifestDigest = new ObjectMapper().readTree(run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref))
                .path("Digest").asText();

        ImageStore store = new ImageStore(tmp.resolve("store"));
        List<String> progress = new ArrayList<>();
        PullResult result = new ImagePuller(store, RegistryConfig.defaults()).pull(ref, (status, id) -> progress.add(status));

        Image image = store.resolve(ref).orElseThrow();
        assertEquals(result.image().id(), image.id());
        assertEquals(manifestDigest, result.manifestDigest().toString(), "the digest the registry serves the tag under");
        assertEquals(List.of(address + "/orch-test/busybox@" + manifestDigest), image.repoDigests());
        assertEquals(List.of("sh", "-c", "echo hi"), image.config().cmd());
        assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX), Files.readAllBytes(image.rootfs().resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(image.rootfs().resolve("bin/ls")));
        assertEquals("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
                Files.readString(image.rootfs().resolve("etc/passwd")));
        assertEquals("Status: Downloaded newer image for " + ref, progress.get(progress.size() - 1));
    }

    @Test
    void missingTagIsManifestUnknown() {
        RegistryException e = org.junit.jupiter.api.Assertions.assertThrows(RegistryException.class,
                () -> new ImagePuller(new ImageStore(tmp.resolve("store2")), RegistryConfig.defaults())
                        .pull(address + "/orch-test/nothing:here", PullProgress.NONE));
        assertEquals("manifest for " + address + "/orch-test/nothing:here not found: manifest unknown", e.getMessage());
    }
}
