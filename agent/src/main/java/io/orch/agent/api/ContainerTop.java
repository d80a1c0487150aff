package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker top}, the way Docker does it: {@code ps} runs on the host (with the client's
 * {@code ps_args}, default {@code -ef}) and its table is filtered to the container's processes
 * (the pids of its cgroup, or of its process group for the process runtime).
 */
final class ContainerTop {
    private static final int MAX_OUTPUT = 4 * 1024 * 1024;

    private ContainerTop() {}

    static ApiResponse top(ContainerView c, String psArgs) throws ApiException {
        String args = psArgs.isBlank() ? "-ef" : psArgs.trim();
        if (!args.matches("[A-Za-z0-9 ,=_-]{1,100}")) {
            throw ApiException.badRequest("invalid ps_args \"" + psArgs + "\": only ps options are allowed");
        }
        List<Long> pids = c.local().runtime().processIds(c.task().getId());
        List<String> argv = new ArrayList<>();
        argv.add("ps");
        argv.addAll(Arrays.asList(args.split("\\s+")));
        String out;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] bytes = p.getInputStream().readNBytes(MAX_OUTPUT);
            p.getInputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "ps did not finish");
            }
            out = new String(bytes, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "ps failed: " + out.trim());
            }
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "running ps failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "interrupted");
        }
        return ApiResponse.ok(parse(out, new HashSet<>(pids)));
    }

    /** Docker's parsePSOutput: the header's columns, then the rows whose PID is one of {@code pids}. */
    static ObjectNode parse(String psOutput, Set<Long> pids) throws ApiException {
        String[] lines = psOutput.split("\n");
        String[] titles = lines[0].trim().split("\\s+");
        int pidIndex = Arrays.asList(titles).indexOf("PID");
        if (pidIndex < 0) {
            throw ApiException.badRequest("Couldn't find PID field in ps output");
        }
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        ArrayNode t = out.putArray("Titles");
        for (String title : titles) {
            t.add(title);
        }
        ArrayNode processes = out.putArray("Processes");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            // the last column (the command) may hold spaces: split into as many fields as there are titles
            String[] fields = lines[i].trim().split("\\s+", titles.length);
            if (fields.length <= pidIndex) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(fields[pidIndex]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (pids.contains(pid)) {
                ArrayNode row = processes.addArray();
                for (String f : fields) {
                    row.add(f);
                }
            }
        }
        return out;
    }
}
