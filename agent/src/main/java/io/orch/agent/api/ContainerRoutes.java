package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.agent.logs.LogFollowers;
import io.orch.agent.logs.TaskFeeds;
import io.orch.api.json.DockerJson;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.image.Image;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The node's containers, as Docker shows them on a swarm node: the tasks this node runs
 * ({@code docker ps}, {@code inspect}, {@code logs}, {@code top}, {@code stats}, {@code wait},
 * {@code kill}). Everything else about standalone containers ({@code docker run}: create, start,
 * attach...) answers 501 with one line saying what to use instead. Never 404 for create: the
 * docker CLI reads a 404 from create as "No such image", pulls the image and tries again, so the
 * user would wait for a pull before seeing the real answer.
 */
final class ContainerRoutes {
    static final String SERVICES_ONLY =
            "orch runs services, not standalone containers: use docker service create";
    /** The most entries {@code GET /containers/json} answers (a node runs far fewer tasks). */
    static final int MAX_LIST = 10_000;

    private final NodeContainers node;
    private final String hostname;

    /** Without node containers (tests of the store-only API): only the refusals. */
    ContainerRoutes() {
        this(null, "");
    }

    ContainerRoutes(NodeContainers node, String hostname) {
        this.node = node;
        this.hostname = hostname;
    }

    void register(Router router) {
        router.post("/containers/create", r -> {
            throw refused();
        });
        router.post("/containers/{id}/start", r -> {
            throw refused();
        });
        if (node == null) {
            return;
        }
        router.get("/containers/json", this::list);
        router.get("/containers/{id}/json", this::inspect);
        router.get("/containers/{id}/logs", this::logs);
        router.get("/containers/{id}/top", r -> ContainerTop.top(running(r), r.query("ps_args").orElse("")));
        router.get("/containers/{id}/stats", r -> ContainerStatsRoute.stats(running(r), r, node.clock()));
        router.post("/containers/{id}/wait", this::await);
        router.post("/containers/{id}/kill", this::kill);
        for (String refusedRoute : List.of("/containers/{id}/attach", "/containers/{id}/stop", "/containers/{id}/restart",
                "/containers/{id}/pause", "/containers/{id}/unpause", "/containers/{id}/update", "/containers/{id}/rename")) {
            router.post(refusedRoute, r -> {
                throw refused();
            });
        }
        router.delete("/containers/{id}", r -> {
            throw refused();
        });
        new ExecRoutes(node).register(router);
    }

    private static ApiException refused() {
        return new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, SERVICES_ONLY);
    }

    private ApiResponse list(ApiRequest request) throws ApiException {
        ContainerFilter filter = ContainerFilter.parse(request.query("filters"));
        int limit = limit(request.query("limit").orElse(""));
        boolean all = request.flag("all") || limit > 0 || filter.asksForStopped();
        Instant now = node.clock().instant();
        List<ContainerView> views = new ArrayList<>(node.all());
        views.sort(Comparator.comparing(ContainerView::created).reversed()); // newest first, as Docker
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        for (ContainerView c : views) {
            if (!all && !c.running()) {
                continue;
            }
            Optional<Image> image = image(c);
            if (!filter.matches(c, image)) {
                continue;
            }
            out.add(ContainerJson.summary(c, image, now));
            if (out.size() >= (limit > 0 ? limit : MAX_LIST)) {
                break;
            }
        }
        return ApiResponse.ok(out);
    }

    static int limit(String raw) throws ApiException {
        if (raw.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid limit \"" + raw + "\": expected a number");
        }
    }

    private ApiResponse inspect(ApiRequest request) throws ApiException {
        ContainerView c = node.resolve(request.pathParam("id"));
        return ApiResponse.ok(ContainerJson.inspect(c, image(c), hostname));
    }

    /** The image the task runs, from this node's store (by the reference the task names). */
    private Optional<Image> image(ContainerView c) {
        if (node.images() == null) {
            return Optional.empty();
        }
        try {
            return node.images().resolve(c.image());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private ContainerView running(ApiRequest request) throws ApiException {
        ContainerView c = node.resolve(request.pathParam("id"));
        if (!c.running() || c.local().runtime() == null) {
            throw NodeContainers.notRunning(c);
        }
        return c;
    }

    /** One task's output, through the service logs' machinery (this node's files). */
    private ApiResponse logs(ApiRequest request) throws ApiException {
        ContainerView c = node.resolve(request.pathParam("id"));
        if (node.tasksDir() == null) {
            throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "this node keeps no task logs");
        }
        LogOptions options = LogOptions.of(request);
        String taskId = c.task().getId();
        TaskFeeds feeds = new TaskFeeds(node.nodeId(), node.tasksDir(), null, id -> Optional.empty(), options.query());
        // the container's node is this one, whatever the task says (a task of an old node id is still here)
        var task = c.task().toBuilder().setNodeId(node.nodeId()).build();
        LogStream.TaskSource source = () -> {
            boolean stillRunning = node.all().stream().anyMatch(v -> v.task().getId().equals(taskId) && v.running());
            return stillRunning || !options.follow() ? Optional.of(List.of(task)) : Optional.empty();
        };
        LogStream stream = new LogStream(options, source, feeds, node.clock(), LogFollowers.shared());
        if (c.tty()) {
            return ApiResponse.streaming(HttpResponseStatus.OK, LogFrames.RAW_CONTENT_TYPE, stream.raw());
        }
        return ApiResponse.streaming(HttpResponseStatus.OK, LogFrames.CONTENT_TYPE, stream);
    }

    /**
     * {@code POST /containers/{id}/wait}: the head at once, the exit code once the container
     * exits (as Docker, so a client's timeout does not cut a long wait).
     */
    private ApiResponse await(ApiRequest request) throws ApiException {
        ContainerView c = node.resolve(request.pathParam("id"));
        String condition = request.query("condition").orElse("not-running");
        if (!List.of("not-running", "next-exit", "removed").contains(condition)) {
            throw ApiException.badRequest("invalid condition \"" + condition + "\": expected not-running, next-exit or removed");
        }
        if (!c.running() || c.local().runtime() == null) {
            return ApiResponse.ok(waitBody(c.exitCode(), null));
        }
        var exit = c.local().runtime().waitFor(c.task().getId());
        return ApiResponse.streaming(HttpResponseStatus.OK, ApiResponse.JSON, (channel, keepAlive) ->
                exit.whenComplete((result, error) -> {
                    ObjectNode body = error != null ? waitBody(-1, error.getMessage()) : waitBody(result.exitCode(), null);
                    byte[] bytes = (body.toString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
                    var f = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    if (!keepAlive) {
                        f.addListener(ChannelFutureListener.CLOSE);
                    }
                }));
    }

    private static ObjectNode waitBody(long code, String error) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode().put("StatusCode", code);
        if (error == null) {
            out.putNull("Error");
        } else {
            out.putObject("Error").put("Message", error);
        }
        return out;
    }

    /**
     * {@code docker kill}: the signal goes to the task's main process; the task then ends as
     * any task whose process died (FAILED, or COMPLETE on exit 0) and is restarted per its
     * restart policy, as on Swarm.
     */
    private ApiResponse kill(ApiRequest request) throws ApiException {
        ContainerView c = running(request);
        String signal = request.query("signal").orElse("KILL").trim();
        if (signal.isEmpty()) {
            signal = "KILL";
        }
        io.orch.runtime.Signal parsed;
        try {
            parsed = io.orch.runtime.Signal.parse(signal);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid signal: " + e.getMessage());
        }
        try {
            c.local().runtime().signal(c.task().getId(), parsed);
        } catch (RuntimeFailure e) {
            throw ApiException.badRequest("cannot kill container " + c.id() + ": " + e.getMessage());
        }
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
