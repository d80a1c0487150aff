package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /images/load}, {@code /images/json}, {@code DELETE /images/{name}} over a real image store. */
class ImageRoutesTest {
    @TempDir
    Path dir;
    private ApiFixture api;
    private byte[] archive;

    @BeforeEach
    void setUp() throws Exception {
        api = new ApiFixture(ApiServices.local(new ImageStore(dir.resolve("images")), dir.resolve("tasks")));
        Path tar = new TestImages.Spec().layer(new TestImages.Layer().file("hello.txt", "hi\n")).cmd("/hello")
                .writeDockerArchive(dir.resolve("tiny.tar"), "tiny:1");
        archive = Files.readAllBytes(tar);
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
    }

    private ApiFixture.RawReply load() {
        return api.raw(HttpMethod.POST, "/v1.47/images/load?quiet=0", archive);
    }

    private JsonNode list() throws Exception {
        ApiFixture.RawReply r = api.raw(HttpMethod.GET, "/v1.47/images/json", new byte[0]);
        assertEquals(200, r.status(), r.text());
        return DockerJson.MAPPER.readTree(r.body());
    }

    @Test
    void loadAnswersLikeDockerThenListShowsTheImage() throws Exception {
        ApiFixture.RawReply loaded = load();
        assertEquals(200, loaded.status(), loaded.text());
        JsonNode message = DockerJson.MAPPER.readTree(loaded.text().trim());
        assertEquals("Loaded image: tiny:1\n", message.get("stream").asText());

        JsonNode images = list();
        assertEquals(1, images.size());
        JsonNode image = images.get(0);
        assertTrue(image.get("Id").asText().startsWith("sha256:"), image.toString());
        assertEquals("tiny:1", image.get("RepoTags").get(0).asText());
        assertTrue(image.get("Size").asLong() > 0, image.toString());
        assertTrue(image.has("Created"), image.toString());
    }

    @Test
    void infoCountsTheImagesTheStoreHolds() throws Exception {
        assertEquals(0, api.get("/v1.47/info").json().get("Images").asInt());
        assertEquals(200, load().status());
        assertEquals(list().size(), api.get("/v1.47/info").json().get("Images").asInt(), "docker info agrees with docker image ls");
        assertEquals(1, api.get("/v1.47/info").json().get("Images").asInt());
    }

    @Test
    void loadOfSomethingThatIsNotAnArchiveIs400() {
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/images/load", "not a tar".getBytes());
        assertEquals(400, r.status(), r.text());
    }

    @Test
    void removeUntagsAndDeletesLikeDocker() throws Exception {
        assertEquals(200, load().status());
        String id = list().get(0).get("Id").asText();
        ApiFixture.RawReply r = api.raw(HttpMethod.DELETE, "/v1.47/images/tiny:1", new byte[0]);
        assertEquals(200, r.status(), r.text());
        JsonNode report = DockerJson.MAPPER.readTree(r.body());
        assertEquals("tiny:1", report.get(0).get("Untagged").asText());
        assertEquals(id, report.get(1).get("Deleted").asText());
        assertEquals(0, list().size());
        assertEquals(404, api.raw(HttpMethod.DELETE, "/images/tiny:1", new byte[0]).status());
    }

    @Test
    void removeOfAnImageARunningTaskUsesIs409UnlessForced() throws Exception {
        assertEquals(200, load().status());
        api.addTask(ServiceRoutesTest.task("t1", "svc", ApiFixture.SELF, TaskState.RUNNING, TaskState.RUNNING).toBuilder()
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("tiny:1"))).build());
        ApiFixture.RawReply refused = api.raw(HttpMethod.DELETE, "/images/tiny:1", new byte[0]);
        assertEquals(409, refused.status(), refused.text());
        assertEquals(1, list().size());
        assertEquals(200, api.raw(HttpMethod.DELETE, "/images/tiny:1?force=1", new byte[0]).status());
        assertEquals(0, list().size());
    }

    @Test
    void aChunkedUploadOverASocketIsSpooledToDiskLoadedAndTheSpoolFileRemoved() throws Exception {
        try (ApiServer server = new ApiServer(api.context)) {
            java.net.InetSocketAddress address = server.startTcp("127.0.0.1:0");
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + address.getPort() + "/v1.47/images/load"))
                    .header("Content-Type", "application/x-tar")
                    // an input-stream body has no length: sent chunked, as docker load sends it
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(archive)))
                    .build();
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("Loaded image: tiny:1"), response.body());
        }
        assertEquals("tiny:1", list().get(0).get("RepoTags").get(0).asText());
        try (var left = Files.list(dir.resolve("images").resolve("tmp"))) {
            assertEquals(0, left.count(), "spool files left behind");
        }
    }

    @Test
    void withoutAnImageStoreTheRoutesSayNotImplemented() throws Exception {
        try (ApiFixture bare = new ApiFixture()) {
            assertEquals(501, bare.raw(HttpMethod.GET, "/images/json", new byte[0]).status());
        }
    }
}
