package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker image inspect / history / tag over a real image store. */
class ImageInspectRoutesTest {
    @TempDir
    Path dir;
    private ApiFixture api;

    @BeforeEach
    void setUp() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("images"));
        api = new ApiFixture(ApiServices.local(store, dir.resolve("tasks")));
        store.load(new TestImages.Spec().layer(new TestImages.Layer().file("hello.txt", "hi\n")).cmd("/hello")
                .writeDockerArchive(dir.resolve("tiny.tar"), "tiny:1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
    }

    private JsonNode get(String path, int status) throws Exception {
        ApiFixture.RawReply r = api.raw(HttpMethod.GET, path, new byte[0]);
        assertEquals(status, r.status(), r.text());
        return DockerJson.MAPPER.readTree(r.body());
    }

    @Test
    void inspectShowsTheImageConfigAndLayers() throws Exception {
        JsonNode i = get("/v1.47/images/tiny:1/json", 200);
        assertTrue(i.get("Id").asText().startsWith("sha256:"), i.toString());
        assertEquals("tiny:1", i.get("RepoTags").get(0).asText());
        assertEquals("/hello", i.get("Config").get("Cmd").get(0).asText(), i.toString());
        assertEquals("layers", i.get("RootFS").get("Type").asText());
        assertEquals(1, i.get("RootFS").get("Layers").size(), i.toString());
        assertTrue(i.get("Size").asLong() > 0);
        assertEquals(i.get("Id"), get("/v1.47/images/" + i.get("Id").asText().substring(7, 19) + "/json", 200).get("Id"), "by id prefix");
        assertEquals("No such image: nope", get("/v1.47/images/nope/json", 404).get("message").asText());
    }

    @Test
    void historyIsNewestFirstWithTheIdAndTagsOnTop() throws Exception {
        JsonNode h = get("/v1.47/images/tiny:1/history", 200);
        assertTrue(h.size() >= 1, h.toString());
        assertTrue(h.get(0).get("Id").asText().startsWith("sha256:"), h.toString());
        assertEquals("tiny:1", h.get(0).get("Tags").get(0).asText());
        for (int i = 1; i < h.size(); i++) {
            assertEquals("<missing>", h.get(i).get("Id").asText());
        }
    }

    @Test
    void tagAddsAReferenceAndRefusesABadOne() throws Exception {
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/v1.47/images/tiny:1/tag?repo=example.com:5000/team/tiny&tag=v2", new byte[0]);
        assertEquals(201, r.status(), r.text());
        JsonNode i = get("/v1.47/images/example.com:5000/team/tiny:v2/json", 200);
        assertTrue(i.get("RepoTags").toString().contains("\"tiny:1\""), i.toString());

        ApiFixture.RawReply latest = api.raw(HttpMethod.POST, "/v1.47/images/tiny:1/tag?repo=other", new byte[0]);
        assertEquals(201, latest.status(), latest.text());
        assertEquals(200, api.raw(HttpMethod.GET, "/v1.47/images/other:latest/json", new byte[0]).status());

        ApiFixture.RawReply bad = api.raw(HttpMethod.POST, "/v1.47/images/tiny:1/tag?repo=Upper&tag=x", new byte[0]);
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.text().contains("repo: invalid reference format"), bad.text());
        assertEquals(404, api.raw(HttpMethod.POST, "/v1.47/images/nope/tag?repo=a", new byte[0]).status());
    }
}
