package io.orch.agent.api;

import java.util.Set;
import io.orch.agent.pki.LiveRevocations;
import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.BindableService;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.agent.images.NodeImagesClient;
import io.orch.agent.images.NodeImagesService;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /images/load?node=...|allNodes=1} on a manager: the archive goes to the other node
 * over the real node RPC (mutual TLS, streamed) and into that node's own store.
 */
class ImageLoadOnNodesTest {
    @TempDir
    Path dir;
    private RootCa ca;
    private ImageStore managerImages;
    private ImageStore workerImages;
    private RpcServer workerRpc;
    private NodeImagesClient client;
    private ApiFixture api;
    private Path tar;

    @BeforeEach
    void setUp() throws Exception {
        ca = RootCa.create("cluster-1");
        workerImages = new ImageStore(dir.resolve("worker-images"));
        NodeCredentials worker = NodeCredentials.selfIssued(ca, ApiFixture.WORKER, NodeRole.WORKER, List.of("127.0.0.1"));
        workerRpc = new RpcServer(new InetSocketAddress("127.0.0.1", 0), worker.serverContext(ClientAuth.OPTIONAL),
                List.<BindableService>of(new NodeImagesService(workerImages, ca.clusterId())),
                LiveRevocations.none(), Set.of()).start();
        NodeCredentials manager = NodeCredentials.selfIssued(ca, ApiFixture.SELF, NodeRole.MANAGER, List.of("127.0.0.1"));
        client = new NodeImagesClient(manager.clientContext());
        managerImages = new ImageStore(dir.resolve("manager-images"));
        api = new ApiFixture(ApiServices.local(managerImages, dir.resolve("tasks")).withNodeImages(client));
        Node w = ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY);
        api.write(tx -> tx.create(w.toBuilder().setStatus(w.getStatus().toBuilder().setAddr("127.0.0.1:" + workerRpc.port())).build()));
        // bigger than one chunk, so the transfer is really streamed in pieces
        byte[] big = new byte[3 * (1 << 20) + 12345];
        new java.util.Random(7).nextBytes(big);
        tar = new TestImages.Spec().layer(new TestImages.Layer().file("big.bin", big, 0644)).cmd("/big")
                .writeDockerArchive(dir.resolve("big.tar"), "big:1");
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
        client.close();
        workerRpc.close();
    }

    private List<JsonNode> load(String query) throws Exception {
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/v1.47/images/load?" + query, Files.readAllBytes(tar));
        assertEquals(200, r.status(), r.text());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.text().split("\r\n")) {
            if (!line.isBlank()) {
                lines.add(DockerJson.MAPPER.readTree(line));
            }
        }
        return lines;
    }

    private static List<String> tags(ImageStore store) throws Exception {
        return store.list().stream().flatMap(i -> i.repoTags().stream()).toList();
    }

    @Test
    void loadOnANamedNodeSendsTheArchiveToThatNodeOnly() throws Exception {
        List<JsonNode> lines = load("node=host2");
        assertEquals("host2: Loaded image: big:1\n", lines.get(0).path("stream").asText(), lines.toString());
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(List.of("big:1"), tags(workerImages));
        assertEquals(List.of(), tags(managerImages), "the manager was not asked to keep it");
        assertTrue(Files.list(workerImages.root().resolve("tmp")).findAny().isEmpty(), "the node removed its staged copy");
    }

    @Test
    void allNodesLoadsOnEveryNodeThatIsUp() throws Exception {
        api.write(tx -> tx.create(ApiFixture.node("n0de3down0000000000000000", "host3", NodeSpec.Role.WORKER, NodeStatus.State.DOWN)));
        List<JsonNode> lines = load("allNodes=1");
        List<String> streams = lines.stream().map(l -> l.path("stream").asText()).toList();
        assertTrue(streams.contains("host1: Loaded image: big:1\n"), streams.toString());
        assertTrue(streams.contains("host2: Loaded image: big:1\n"), streams.toString());
        assertEquals(2, lines.size(), "the down node is left out: " + streams);
        assertEquals(List.of("big:1"), tags(workerImages));
        assertEquals(List.of("big:1"), tags(managerImages));
    }

    @Test
    void anUnreachableNodeIsReportedAndTheLoadEndsWithAnError() throws Exception {
        api.write(tx -> tx.create(ApiFixture.node("n0de4gone0000000000000000", "host4", NodeSpec.Role.WORKER, NodeStatus.State.READY)
                .toBuilder().setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr("127.0.0.1:1")).build()));
        List<JsonNode> lines = load("node=host2,host4");
        assertEquals("host2: Loaded image: big:1\n", lines.get(0).path("stream").asText(), lines.toString());
        assertTrue(lines.get(1).path("stream").asText().startsWith("host4: failed: "), lines.toString());
        assertEquals("the image was not loaded on 1 of 2 nodes: host4", lines.get(2).path("error").asText(), lines.toString());
    }

    @Test
    void anUnknownNodeIs404AndNothingIsLoaded() throws Exception {
        ApiFixture.RawReply r = api.raw(HttpMethod.POST, "/v1.47/images/load?node=nope", Files.readAllBytes(tar));
        assertEquals(404, r.status(), r.text());
        assertTrue(r.text().contains("node nope not found"), r.text());
        assertEquals(List.of(), tags(workerImages));
    }

    @Test
    void aWorkerCertificateMayNotSendImages() throws Exception {
        NodeCredentials other = NodeCredentials.selfIssued(ca, "w2", NodeRole.WORKER, List.of("127.0.0.1"));
        try (NodeImagesClient fromWorker = new NodeImagesClient(other.clientContext())) {
            NodeImagesClient.LoadFailedException e = assertThrows(NodeImagesClient.LoadFailedException.class,
                    () -> fromWorker.load("127.0.0.1:" + workerRpc.port(), tar));
            assertTrue(e.getMessage().contains("only managers may send images"), e.getMessage());
        }
        assertEquals(List.of(), tags(workerImages));
    }

    @Test
    void anArchiveTheNodeCannotReadIsItsOneLineError() throws Exception {
        Path junk = Files.write(dir.resolve("junk.tar"), "not a tar".getBytes());
        NodeImagesClient.LoadFailedException e = assertThrows(NodeImagesClient.LoadFailedException.class,
                () -> client.load("127.0.0.1:" + workerRpc.port(), junk));
        assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), e.getMessage());
    }
}
