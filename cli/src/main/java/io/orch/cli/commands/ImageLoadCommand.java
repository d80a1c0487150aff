package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch image load -i FILE}: uploads a docker-archive or oci-archive tarball; prints "Loaded image: NAME:TAG". */
@Command(name = "load", description = "Load an image from a tar archive (docker save / OCI archive).")
public final class ImageLoadCommand extends OrchCommand {
    @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE", description = "Read from tar archive file.")
    Path input;

    @Option(names = {"-q", "--quiet"}, description = "Suppress the load output.")
    boolean quiet;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(input)) {
            throw new CliException(1, "Error: open " + input + ": no such file");
        }
        for (JsonNode message : api().loadImage(input)) {
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
