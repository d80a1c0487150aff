package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orch image rm IMAGE...}: prints docker's "Untagged: X" / "Deleted: ID" lines; each failure one stderr line, exit 1. */
@Command(name = "rm", aliases = {"remove"}, description = "Remove one or more images from this node.")
public final class ImageRmCommand extends OrchCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Option(names = {"-f", "--force"}, description = "Force removal of the image.")
    boolean force;

    @Override
    public Integer call() {
        return forEachName(images, image -> {
            for (JsonNode entry : api().removeImage(image, force)) {
                Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    out().println(f.getKey() + ": " + f.getValue().asText());
                }
            }
        });
    }
}
