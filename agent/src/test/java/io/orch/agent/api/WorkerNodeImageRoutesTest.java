package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.RegistryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker-only node serves its own image store: load, ls, rm (refused while its tasks use the image). */
class WorkerNodeImageRoutesTest {
    @TempDir
    Path dir;
    private EmbeddedChannel channel;
    private final List<String> live = new ArrayList<>();
    private byte[] archive;

    @BeforeEach
    void setUp() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("images"));
        WorkerNodeApi.NodeImages images = new WorkerNodeApi.NodeImages(store, () -> List.copyOf(live),
                s -> new ImagePuller(s, RegistryConfig.defaults()), RegistryConfig.defaults());
        channel = new EmbeddedChannel(WorkerNodeApi.handler("w0rker", "w1", "10.0.0.2",
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "0.1.0-test", Map::of, images, null));
        archive = Files.readAllBytes(new TestImages.Spec().layer(new TestImages.Layer().file("a.txt", "a\n")).cmd("/a")
                .writeDockerArchive(dir.resolve("tiny.tar"), "tiny:1"));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private String[] call(HttpMethod method, String uri, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.wrappedBuffer(body));
        HttpUtil.setContentLength(request, body.length);
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        try {
            return new String[] {String.valueOf(response.status().code()), response.content().toString(StandardCharsets.UTF_8)};
        } finally {
            response.release();
        }
    }

    @Test
    void loadThenListThenRemoveOnAWorker() throws Exception {
        String[] loaded = call(HttpMethod.POST, "/v1.47/images/load", archive);
        assertEquals("200", loaded[0], loaded[1]);
        assertTrue(loaded[1].contains("Loaded image: tiny:1"), loaded[1]);

        String[] listed = call(HttpMethod.GET, "/v1.47/images/json", new byte[0]);
        assertEquals("200", listed[0], listed[1]);
        JsonNode images = DockerJson.MAPPER.readTree(listed[1]);
        assertEquals(1, images.size());
        assertEquals("tiny:1", images.get(0).get("RepoTags").get(0).asText());

        live.add("tiny:1");
        String[] refused = call(HttpMethod.DELETE, "/v1.47/images/tiny:1", new byte[0]);
        assertEquals("409", refused[0], "a task on this node still uses it: " + refused[1]);

        live.clear();
        String[] removed = call(HttpMethod.DELETE, "/v1.47/images/tiny:1", new byte[0]);
        assertEquals("200", removed[0], removed[1]);
        assertEquals(0, DockerJson.MAPPER.readTree(call(HttpMethod.GET, "/images/json", new byte[0])[1]).size());
    }

    @Test
    void clusterEndpointsStillPointToAManager() {
        String[] r = call(HttpMethod.GET, "/v1.47/services", new byte[0]);
        assertEquals("503", r[0], r[1]);
    }
}
