package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.CliException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch image load -i FILE}: uploads a docker-archive or oci-archive tarball; prints "Loaded image: NAME:TAG".
 * With {@code --node NODE} (repeatable) or {@code --all-nodes}, the manager sends it on to those nodes (over the
 * node RPC) and each node's outcome is one line, "NODE: Loaded image: NAME:TAG" or "NODE: failed: why".
 */
@Command(name = "load", description = "Load an image from a tar archive (docker save / OCI archive).")
public final class ImageLoadCommand extends OrchCommand {
    @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE", description = "Read from tar archive file.")
    Path input;

    @Option(names = {"-q", "--quiet"}, description = "Suppress the load output.")
    boolean quiet;

    @Option(names = "--node", paramLabel = "NODE", description = "Load it on this node (id or hostname; repeatable) "
            + "instead of the node the CLI talks to; needs a manager.")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--all-nodes", description = "Load it on every node of the cluster that is up; needs a manager.")
    boolean allNodes;

    @Override
    public Integer call() {
        if (allNodes && !nodes.isEmpty()) {
            throw new CliException(2, "Error: --node and --all-nodes cannot be used together");
        }
        if (!Files.isRegularFile(input)) {
            throw new CliException(1, "Error: open " + input + ": no such file");
        }
        StringBuilder query = new StringBuilder();
        for (String node : nodes) {
            query.append("&node=").append(URLEncoder.encode(node, StandardCharsets.UTF_8));
        }
        if (allNodes) {
            query.append("&allNodes=1");
        }
        for (JsonNode message : api().loadImage(input, query.toString())) {
            if (message.has("error")) {
                throw new CliException(1, "Error: " + message.path("error").asText());
            }
            if (!quiet && message.has("stream")) {
                out().print(message.path("stream").asText());
            }
        }
        out().flush();
        return 0;
    }
}
