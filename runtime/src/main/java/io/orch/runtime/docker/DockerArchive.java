package io.orch.runtime.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an image of the node's {@link ImageStore} as a {@code docker save} style archive
 * (HEX.json config, HEX/layer.tar per layer, manifest.json) that {@code POST /images/load} takes.
 * The blobs are the stored ones, unchanged (Docker inflates gzipped layers itself), so the image
 * keeps its id: Docker's image id is the digest of the same config.
 */
final class DockerArchive {
    private DockerArchive() {}

    static Path write(ImageStore store, Image image, Collection<String> repoTags, Path file) throws IOException {
        Path config = store.configBlob(image);
        List<Path> layers = store.layerBlobs(image);
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            String configName = image.id().hex() + ".json";
            putFile(tar, configName, config);
            ObjectNode manifest = DockerEngine.JSON.createObjectNode().put("Config", configName);
            ArrayNode tags = manifest.putArray("RepoTags");
            repoTags.forEach(tags::add);
            ArrayNode layerNames = manifest.putArray("Layers");
            for (Path layer : layers) {
                // blobs are stored under their digest's hex; a layer used twice in one image is written once
                String name = layer.getFileName() + "/layer.tar";
                if (!containsText(layerNames, name)) {
                    putFile(tar, name, layer);
                }
                layerNames.add(name);
            }
            putBytes(tar, "manifest.json", DockerEngine.JSON.writeValueAsBytes(DockerEngine.JSON.createArrayNode().add(manifest)));
        }
        return file;
    }

    private static boolean containsText(ArrayNode arr, String text) {
        for (var n : arr) {
            if (n.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }

    private static void putFile(TarArchiveOutputStream tar, String name, Path file) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(Files.size(file));
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        Files.copy(file, tar);
        tar.closeArchiveEntry();
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
