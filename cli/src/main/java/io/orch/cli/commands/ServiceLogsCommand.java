package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.CliException;
import io.orch.cli.client.StreamedResponse;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code orch service logs [-f] [--tail N] [--timestamps] [--no-task-ids] SERVICE|TASK}: reads
 * Docker's multiplexed stream from {@code /services/ID/logs} (or {@code /tasks/ID/logs}) with
 * details, and prints each line as docker does, {@code web.1.TASKID@NODE    | line}; stdout lines
 * to stdout, stderr lines to stderr. The agent serves the logs of the tasks that ran on its node.
 */
@Command(name = "logs", description = "Fetch the logs of a service or task.")
public final class ServiceLogsCommand extends OrchCommand {
    @Parameters(paramLabel = "SERVICE|TASK")
    String target;

    @Option(names = {"-f", "--follow"}, description = "Follow log output.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Number of lines to show from the end of the logs (default \"all\").")
    String tail = "all";

    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps.")
    boolean timestamps;

    @Option(names = "--no-task-ids", description = "Do not include task IDs in output.")
    boolean noTaskIds;

    @Option(names = "--no-trunc", description = "Do not truncate output.")
    boolean noTrunc;

    @Option(names = "--raw", description = "Do not neatly format logs.")
    boolean raw;

    @Override
    public Integer call() {
        if (!tail.equals("all") && !tail.matches("\\d{1,9}")) {
            throw new ParameterException(spec.commandLine(), "invalid argument \"" + tail + "\" for \"--tail\": expected a number of lines or \"all\"");
        }
        String kind;
        int padding;
        try {
            JsonNode service = api().service(target, false);
            kind = "services";
            target = service.path("ID").asText(target);
            long replicas = service.path("Spec").path("Mode").path("Replicated").path("Replicas").asLong(1);
            padding = Long.toString(Math.max(1, replicas)).length();
        } catch (ApiException e) {
            if (!e.notFound()) throw e;
            try {
                target = api().get("/tasks/" + io.orch.cli.parse.Filters.encode(target)).path("ID").asText(target);
            } catch (ApiException te) {
                if (!te.notFound()) throw te;
                throw new CliException(1, "Error: no such task or service: " + target);
            }
            kind = "tasks";
            padding = 1;
        }
        String query = "stdout=1&stderr=1&details=1&tail=" + tail + (follow ? "&follow=1" : "") + (timestamps ? "&timestamps=1" : "");
        LogContext context = new LogContext(api(), !noTaskIds, !noTrunc, padding);
        try (StreamedResponse response = api().logs(kind, target, query)) {
            copy(response.body(), context);
        } catch (IOException e) {
            throw new CliException(1, "Error: reading the logs from the orch agent failed: " + e.getMessage(), e);
        } finally {
            out().flush();
            err().flush();
        }
        return 0;
    }

    /** Frame by frame: an 8-byte header (stream, 0, 0, 0, length) and one line. */
    private void copy(InputStream body, LogContext context) throws IOException {
        DataInputStream in = new DataInputStream(body);
        byte[] header = new byte[8];
        while (true) {
            int first = in.read();
            if (first < 0) return;
            header[0] = (byte) first;
            try {
                in.readFully(header, 1, 7);
            } catch (EOFException e) {
                throw new IOException("the log stream ended inside a frame header");
            }
            int length = ByteBuffer.wrap(header, 4, 4).getInt();
            byte[] payload = new byte[length];
            in.readFully(payload);
            PrintWriter w = header[0] == 2 ? err() : out();
            w.print(format(new String(payload, StandardCharsets.UTF_8), context));
            w.flush();
        }
    }

    /** "[TIMESTAMP ]DETAILS LINE" -> "[TIMESTAMP ]NAME.SLOT.TASK@NODE    | LINE". */
    String format(String payload, LogContext context) {
        String timestamp = "";
        String rest = payload;
        if (timestamps) {
            int sp = rest.indexOf(' ');
            if (sp < 0) return payload;
            timestamp = rest.substring(0, sp + 1);
            rest = rest.substring(sp + 1);
        }
        int sp = rest.indexOf(' ');
        if (sp < 0) return payload;
        Map<String, String> details = details(rest.substring(0, sp));
        String line = rest.substring(sp + 1);
        if (raw) return timestamp + line;
        String prefix = context.prefix(details.getOrDefault("com.docker.swarm.node.id", "?"),
                details.getOrDefault("com.docker.swarm.service.id", "?"), details.getOrDefault("com.docker.swarm.task.id", "?"));
        return timestamp + prefix + line;
    }

    private static Map<String, String> details(String s) {
        Map<String, String> out = new HashMap<>();
        for (String pair : s.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
