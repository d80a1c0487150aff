package io.orch.agent.images;

import io.orch.runtime.image.Image;

import java.util.ArrayList;
import java.util.List;

/** What {@code docker load} prints for the images an archive held: one line per tag, the id for an untagged image. */
public final class LoadedLines {
    private LoadedLines() {}

    public static List<String> of(List<Image> loaded) {
        List<String> lines = new ArrayList<>();
        for (Image image : loaded) {
            if (image.repoTags().isEmpty()) {
                lines.add("Loaded image ID: " + image.id());
            }
            for (String tag : image.repoTags()) {
                lines.add("Loaded image: " + tag);
            }
        }
        return lines;
    }
}
