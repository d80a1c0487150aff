package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.runtime.ExecSpec;
import io.orch.runtime.InteractiveExec;
import io.orch.runtime.RuntimeFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker exec} in a task's container: {@code POST /containers/{id}/exec} creates an exec
 * instance, {@code POST /exec/{id}/start} runs it (hijacking the connection, see
 * {@link ExecStream}, or detached), {@code GET /exec/{id}/json} tells whether it runs and its exit
 * code, {@code POST /exec/{id}/resize} sizes its terminal.
 */
final class ExecRoutes {
    /** Bounds on what a create request may carry. */
    static final int MAX_ARGS = 4096;
    static final int MAX_ARG_CHARS = 128 * 1024;

    private final NodeContainers node;

    ExecRoutes(NodeContainers node) {
        this.node = node;
    }

    void register(Router router) {
        router.post("/containers/{id}/exec", this::create);
        router.post("/exec/{id}/start", this::start);
        router.get("/exec/{id}/json", this::inspect);
        router.post("/exec/{id}/resize", this::resize);
    }

    private ApiResponse create(ApiRequest request) throws ApiException {
        ContainerView c = node.resolve(request.pathParam("id"));
        if (!c.running() || c.local().runtime() == null) {
            throw NodeContainers.notRunning(c);
        }
        if (!c.local().runtime().supportsInteractiveExec()) {
            throw ApiException.conflict(c.local().runtime().interactiveExecRefusal());
        }
        JsonNode body = request.jsonBody();
        if (body.path("Privileged").asBoolean(false)) {
            throw ApiException.badRequest("Privileged: privileged exec is not supported by orch (the command gets the task's own privileges)");
        }
        List<String> cmd = strings(body, "Cmd");
        if (cmd.isEmpty()) {
            throw ApiException.badRequest("Cmd: no exec command specified");
        }
        List<String> env = strings(body, "Env");
        for (String e : env) {
            if (!e.contains("=") || e.startsWith("=")) {
                throw ApiException.badRequest("Env: invalid entry \"" + e.split("=", 2)[0] + "\": expected KEY=value");
            }
        }
        String workingDir = body.path("WorkingDir").asText("");
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw ApiException.badRequest("WorkingDir: the working directory '" + workingDir + "' is invalid: it needs to be an absolute path");
        }
        JsonNode size = body.path("ConsoleSize");
        int rows = size.isArray() && size.size() == 2 ? size.get(0).asInt(0) : 0;
        int columns = size.isArray() && size.size() == 2 ? size.get(1).asInt(0) : 0;
        boolean tty = body.path("Tty").asBoolean(false);
        ExecSpec spec = new ExecSpec(cmd, env, body.path("User").asText(""), workingDir, tty, rows, columns);
        ExecSessions.Session s = node.execs().create(c.task().getId(), c.id(), spec, body.path("AttachStdin").asBoolean(false),
                body.path("AttachStdout").asBoolean(false), body.path("AttachStderr").asBoolean(false));
        return ApiResponse.json(HttpResponseStatus.CREATED, DockerJson.MAPPER.createObjectNode().put("Id", s.id));
    }

    private static List<String> strings(JsonNode body, String field) throws ApiException {
        JsonNode n = body.path(field);
        List<String> out = new ArrayList<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw ApiException.badRequest(field + ": expected a list of strings");
        }
        int chars = 0;
        for (JsonNode v : n) {
            if (!v.isTextual()) {
                throw ApiException.badRequest(field + ": expected a list of strings");
            }
            chars += v.asText().length();
            out.add(v.asText());
        }
        if (out.size() > MAX_ARGS || chars > MAX_ARG_CHARS) {
            throw ApiException.badRequest(field + ": too long (at most " + MAX_ARGS + " entries, " + MAX_ARG_CHARS + " characters)");
        }
        return out;
    }

    private ApiResponse start(ApiRequest request) throws ApiException {
        ExecSessions.Session s = node.execs().get(request.pathParam("id"));
        JsonNode body = request.body().length == 0 ? DockerJson.MAPPER.createObjectNode() : request.jsonBody();
        boolean detach = body.path("Detach").asBoolean(false);
        ContainerView c = node.all().stream().filter(v -> v.task().getId().equals(s.taskId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("No such container: " + s.containerId));
        if (!c.running() || c.local().runtime() == null) {
            throw NodeContainers.notRunning(c);
        }
        node.execs().claim(s);
        InteractiveExec exec;
        try {
            exec = c.local().runtime().startExec(s.taskId, s.spec);
        } catch (RuntimeFailure e) {
            s.exitCode = 126;
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "exec failed: " + e.getMessage());
        } catch (RuntimeException e) {
            s.exitCode = 126; // never left claimed and counted as running
            throw e;
        }
        s.process = exec;
        exec.exit().whenComplete((code, e) -> s.exitCode = e != null ? -1 : code);
        ExecStream stream = new ExecStream(node.execs(), s);
        if (detach) {
            // no client stream: the output is drained (never read), stdin closed
            stream.drainDetached();
            return ApiResponse.empty(HttpResponseStatus.OK);
        }
        return ApiResponse.streaming(HttpResponseStatus.SWITCHING_PROTOCOLS, "application/vnd.docker.raw-stream", new Hijack(stream));
    }

    /** Marks a response whose connection {@link ApiHandler} upgrades to a raw stream. */
    record Hijack(ExecStream stream) implements ResponseStream {
        @Override
        public void start(io.netty.channel.Channel channel, boolean keepAlive) {
            stream.start(channel, keepAlive);
        }
    }

    private ApiResponse inspect(ApiRequest request) throws ApiException {
        ExecSessions.Session s = node.execs().get(request.pathParam("id"));
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("ID", s.id);
        out.put("Running", s.running());
        if (s.exitCode == null) {
            out.putNull("ExitCode");
        } else {
            out.put("ExitCode", s.exitCode);
        }
        ObjectNode pc = out.putObject("ProcessConfig");
        pc.put("tty", s.spec.tty()).put("entrypoint", s.spec.command().get(0)).put("privileged", false).put("user", s.spec.user());
        var args = pc.putArray("arguments");
        s.spec.command().stream().skip(1).forEach(args::add);
        out.put("OpenStdin", s.attachStdin).put("OpenStderr", s.attachStderr).put("OpenStdout", s.attachStdout)
                .put("CanRemove", false).put("ContainerID", s.containerId).put("DetachKeys", "")
                .put("Pid", s.process == null ? 0 : Math.max(0, s.process.pid()));
        return ApiResponse.ok(out);
    }

    private ApiResponse resize(ApiRequest request) throws ApiException {
        ExecSessions.Session s = node.execs().get(request.pathParam("id"));
        int h = dimension(request, "h");
        int w = dimension(request, "w");
        if (s.process == null) {
            throw ApiException.conflict("exec " + s.id + " is not running");
        }
        try {
            s.process.resize(h, w);
        } catch (RuntimeFailure e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }

    private static int dimension(ApiRequest request, String name) throws ApiException {
        String raw = request.query(name).orElse("");
        try {
            int v = Integer.parseInt(raw.trim());
            if (v > 0 && v <= 10_000) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("invalid " + name + " \"" + raw + "\": expected a terminal size from 1 to 10000");
    }
}
