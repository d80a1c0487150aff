package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.image.registry.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /images/create} (docker pull) against a registry with token auth and a manifest list. */
class ImagePullRoutesTest {
    @TempDir
    Path dir;
    private ApiFixture api;
    private FakeRegistry registry;
    private ImageStore store;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(TestImages.unavailableReason().isEmpty(), () -> TestImages.unavailableReason().get());
        registry = new FakeRegistry(TestImages.busybox().writeOciLayout(dir.resolve("layout"), null), "test/busybox", "1.0");
        store = new ImageStore(dir.resolve("images"));
        api = new ApiFixture(ApiServices.local(store, dir.resolve("tasks")));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (api != null) {
            api.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static List<JsonNode> lines(ApiFixture.RawReply r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).split("\r\n")) {
            if (!line.isBlank()) {
                out.add(DockerJson.MAPPER.readTree(line));
            }
        }
        return out;
    }

    @Test
    void pullStreamsDockersProgressAndTheImageIsListedWithItsDigest() throws Exception {
        String name = registry.registry() + "/test/busybox";
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/v1.47/images/create?fromImage=" + name + "&tag=1.0", new byte[0]);
        assertEquals(200, r.status(), new String(r.body()));
        List<JsonNode> messages = lines(r);
        assertEquals("Pulling from test/busybox", messages.get(0).path("status").asText());
        assertEquals("1.0", messages.get(0).path("id").asText());
        assertEquals("Digest: " + registry.listDigest, messages.get(messages.size() - 2).path("status").asText());
        assertEquals("Status: Downloaded newer image for " + name + ":1.0", messages.get(messages.size() - 1).path("status").asText());
        JsonNode downloading = messages.stream().filter(m -> m.has("progressDetail")).findFirst()
                .orElseThrow(() -> new AssertionError("no Downloading message with progressDetail: " + messages));
        assertEquals("Downloading", downloading.path("status").asText());
        assertTrue(downloading.path("progressDetail").path("current").asLong() > 0, downloading.toString());
        assertTrue(downloading.path("progressDetail").path("total").asLong()
                >= downloading.path("progressDetail").path("current").asLong(), downloading.toString());
        assertTrue(!downloading.path("id").asText().isEmpty(), "per layer: " + downloading);

        ApiFixture.RawReply listed = api.raw(HttpMethod.GET, "/v1.47/images/json", new byte[0]);
        JsonNode image = DockerJson.MAPPER.readTree(listed.body()).get(0);
        assertEquals(name + ":1.0", image.path("RepoTags").get(0).asText());
        assertEquals(name + "@" + registry.listDigest, image.path("RepoDigests").get(0).asText());
        assertTrue(Files.isRegularFile(store.resolve(name + ":1.0").orElseThrow().rootfs().resolve("bin/busybox")));
    }

    @Test
    void pullByDigestTakesTheDigestInTheTagParameter() throws Exception {
        String name = registry.registry() + "/test/busybox";
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/images/create?fromImage=" + name + "&tag=" + registry.listDigest, new byte[0]);
        assertEquals(200, r.status(), new String(r.body()));
        assertTrue(store.resolve(name + "@" + registry.listDigest).isPresent());
    }

    @Test
    void corruptBlobEndsTheStreamWithAnErrorAndStoresNothing() throws Exception {
        registry.corruptBlob = registry.layerDigest.toString();
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/images/create?fromImage=" + registry.registry() + "/test/busybox&tag=1.0",
                new byte[0]);
        assertEquals(200, r.status(), "docker reports failures after the pull started inside the stream");
        JsonNode last = lines(r).get(lines(r).size() - 1);
        assertTrue(last.path("error").asText().contains("failed digest verification"), last.toString());
        assertEquals(last.path("error").asText(), last.path("errorDetail").path("message").asText());
        assertEquals(List.of(), store.list());
    }

    @Test
    void unknownTagIs404AndBadInputIs400() {
        ApiFixture.RawReply unknown = api.raw(HttpMethod.POST, "/images/create?fromImage=" + registry.registry() + "/test/busybox&tag=nope",
                new byte[0]);
        assertEquals(404, unknown.status(), new String(unknown.body()));
        assertTrue(new String(unknown.body()).contains("manifest unknown"), new String(unknown.body()));

        ApiFixture.RawReply missing = api.raw(HttpMethod.POST, "/images/create?tag=1", new byte[0]);
        assertEquals(400, missing.status());
        assertTrue(new String(missing.body()).contains("fromImage"), new String(missing.body()));

        ApiFixture.RawReply bad = api.raw(HttpMethod.POST, "/images/create?fromImage=Bad_Name", new byte[0]);
        assertEquals(400, bad.status());
        assertTrue(new String(bad.body()).contains("invalid repository name"), new String(bad.body()));
    }
}
