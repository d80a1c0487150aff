package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orch image pull REF}: the agent pulls REF from its registry into this node's store
 * (as {@code docker pull}); prints Docker's progress lines, then the reference.
 */
@Command(name = "pull", description = "Pull an image from a registry into this node's image store.")
public final class ImagePullCommand extends OrchCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "Image reference: [REGISTRY/]NAME[:TAG|@DIGEST].")
    String reference;

    @Option(names = {"-q", "--quiet"}, description = "Suppress the progress output; print only the reference.")
    boolean quiet;

    @Override
    public Integer call() {
        String ref = reference.trim();
        if (ref.isEmpty() || ref.chars().anyMatch(Character::isWhitespace)) {
            throw new CliException(2, "Error: REF: \"" + reference + "\" is not an image reference");
        }
        String[] nameAndTag = split(ref);
        for (JsonNode message : api().pullImage(nameAndTag[0], nameAndTag[1])) {
            if (message.has("error")) {
                throw new CliException(1, "Error: " + message.path("error").asText());
            }
            // byte progress ("Downloading" with progressDetail) is for terminals' progress bars, not line output
            if (!quiet && message.has("status") && !message.has("progressDetail")) {
                String id = message.path("id").asText("");
                out().println(id.isEmpty() ? message.path("status").asText() : id + ": " + message.path("status").asText());
            }
        }
        out().println(nameAndTag[1].startsWith("sha256:") ? nameAndTag[0] + "@" + nameAndTag[1] : nameAndTag[0] + ":" + nameAndTag[1]);
        out().flush();
        return 0;
    }

    /** As docker's client sends it: name and tag apart, a digest in the tag's place, "latest" when neither is given. */
    static String[] split(String ref) {
        int at = ref.indexOf('@');
        if (at >= 0) {
            String name = ref.substring(0, at);
            int colon = name.lastIndexOf(':');
            if (colon > name.lastIndexOf('/')) {
                name = name.substring(0, colon); // the digest decides
            }
            return new String[] {name, ref.substring(at + 1)};
        }
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            return new String[] {ref.substring(0, colon), ref.substring(colon + 1)};
        }
        return new String[] {ref, "latest"};
    }
}
