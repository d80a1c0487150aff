package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.EngineDescription;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A real ClusterStore on a LocalProposer, seeded with this node and the Cluster object, and an
 * {@link EmbeddedChannel} carrying the real {@link ApiHandler}: requests go through the same
 * code as on a socket, synchronously.
 */
final class ApiFixture implements AutoCloseable {
    static final String SELF = "n0de1selfid0000000000000a";
    /** The cluster's root CA, as a real cluster has one (made once: a key pair per fixture would slow every test). */
    static final io.orch.agent.pki.RootCa ROOT_CA = io.orch.agent.pki.RootCa.create("c1usterid0000000000000000");
    static final String WORKER = "n0de2worker00000000000000";

    final ClusterStore store;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ApiContext context;
    private final EmbeddedChannel channel;

    ApiFixture() {
        this(ApiServices.none());
    }

    /** With node-local services (image store, task log directory) for the images and logs routes. */
    ApiFixture(ApiServices services) {
        this(services, NodeControl.none());
    }

    /** With a live manager status view and a role-change hook for the node routes. */
    ApiFixture(ApiServices services, NodeControl nodeControl) {
        this(services, nodeControl, new LocalProposer());
    }

    /** On {@code proposer} (a LocalProposer, or one wrapping it to stand for a replica in some state). */
    ApiFixture(io.orch.raft.Proposer proposer) {
        this(ApiServices.none(), NodeControl.none(), proposer);
    }

    private ApiFixture(ApiServices services, NodeControl nodeControl, io.orch.raft.Proposer proposer) {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T12:00:00Z"), ZoneOffset.UTC);
        store = new ClusterStore(proposer, clock);
        try {
            store.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context = new ApiContext(store, SELF, metrics, clock, "0.1.0-test", services, nodeControl);
        write(tx -> {
            tx.create(node(SELF, "host1", NodeSpec.Role.MANAGER, NodeStatus.State.READY));
            Cluster cluster = Cluster.newBuilder().setId("c1usterid0000000000000000")
                    .setSpec(ClusterSpec.newBuilder().setName("default"))
                    .setJoinTokens(JoinTokens.newBuilder().setWorker("SWMTKN-worker").setManager("SWMTKN-manager"))
                    .setRootCa(ROOT_CA.toProto())
                    .build();
            tx.create(cluster);
            // as a real cluster: the routing mesh's network comes with it (10.0.0.0/24, VXLAN 4096)
            io.orch.agent.manager.IngressNetwork.createIn(tx, cluster);
        });
        channel = new EmbeddedChannel(new ApiHandler(context));
    }

    static Node node(String id, String hostname, NodeSpec.Role role, NodeStatus.State state) {
        Node.Builder b = Node.newBuilder().setId(id)
                .setSpec(NodeSpec.newBuilder().setRole(role).setAvailability(NodeSpec.Availability.ACTIVE))
                .setDescription(NodeDescription.newBuilder().setHostname(hostname)
                        .setEngine(EngineDescription.newBuilder().setEngineVersion("0.1.0")))
                .setStatus(NodeStatus.newBuilder().setState(state).setAddr("10.0.0." + hostname.charAt(hostname.length() - 1)));
        if (role == NodeSpec.Role.MANAGER) {
            b.setManagerStatus(ManagerStatus.newBuilder().setLeader(true).setReachability(ManagerStatus.Reachability.REACHABLE)
                    .setAddr("10.0.0.1:2377"));
        }
        return b.build();
    }

    void write(ClusterStore.TxBody body) {
        try {
            store.updateAndWait(body);
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    Service service(String id) {
        return store.read(tx -> tx.service(id)).orElseThrow();
    }

    Node storedNode(String id) {
        return store.read(tx -> tx.node(id)).orElseThrow();
    }

    int serviceCount() {
        return store.read(tx -> tx.services().size());
    }

    void addTask(Task task) {
        write(tx -> tx.create(task));
    }

    // ------------------------------------------------------------------ requests

    Reply get(String uri) {
        return call(HttpMethod.GET, uri, null);
    }

    Reply post(String uri, String json) {
        return call(HttpMethod.POST, uri, json);
    }

    Reply call(HttpMethod method, String uri, String json) {
        return call(method, uri, json, java.util.Map.of());
    }

    /** With extra request headers (X-Registry-Auth). */
    Reply call(HttpMethod method, String uri, String json, java.util.Map<String, String> headers) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.wrappedBuffer(body));
        HttpUtil.setContentLength(request, body.length);
        headers.forEach((k, v) -> request.headers().set(k, v));
        if (json != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        if (response == null) {
            throw new AssertionError("no response to " + method + " " + uri);
        }
        try {
            return new Reply(response.status().code(), response.headers().copy(),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    /**
     * Any request with a raw body; reads a full or a chunked (streamed) response to its end.
     * Streams that do not end by themselves (follow) need a real server instead.
     */
    RawReply raw(HttpMethod method, String uri, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.wrappedBuffer(body));
        HttpUtil.setContentLength(request, body.length);
        channel.writeInbound(request);
        Object head = channel.readOutbound();
        if (!(head instanceof io.netty.handler.codec.http.HttpResponse response)) {
            throw new AssertionError("no response to " + method + " " + uri);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Object part = head;
        while (true) {
            if (part instanceof io.netty.handler.codec.http.HttpContent c) {
                byte[] bytes = new byte[c.content().readableBytes()];
                c.content().readBytes(bytes);
                out.writeBytes(bytes);
                c.release();
                if (c instanceof io.netty.handler.codec.http.LastHttpContent) {
                    break;
                }
            }
            part = channel.readOutbound();
            if (part == null) {
                throw new AssertionError("response to " + method + " " + uri + " did not end");
            }
        }
        return new RawReply(response.status().code(), response.headers().copy(), out.toByteArray());
    }

    record RawReply(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** {@code ?filters=} with the JSON URL-encoded, as the CLI sends it. */
    static String filters(String json) {
        return "filters=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    String createService(String json) {
        Reply r = post("/v1.47/services/create", json);
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r);
        }
        return r.json().get("ID").asText();
    }

    boolean channelOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.finishAndReleaseAll();
        store.proposer().close();
    }

    record Reply(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return DockerJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String message() {
            return json().get("message").asText();
        }
    }
}
