package io.orch.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the images out of an unpacked archive directory: a docker-archive ("docker save":
 * manifest.json listing Config, RepoTags and Layers) or an OCI image layout (oci-layout +
 * index.json -> manifests, or nested indexes, -> config and layers in blobs/). For multi-platform
 * indexes only the platform of this node is taken.
 */
final class ArchiveLayout {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String CONTAINERD_NAME = "io.containerd.image.name";

    private final Path dir;
    private final String architecture;

    ArchiveLayout(Path dir, String architecture) {
        this.dir = dir;
        this.architecture = architecture;
    }

    /** The architecture name images use for this JVM's platform (amd64, arm64...). */
    static String hostArchitecture() {
        String a = System.getProperty("os.arch");
        switch (a) {
            case "x86_64":
            case "amd64":
                return "amd64";
            case "aarch64":
                return "arm64";
            default:
                return a;
        }
    }

    List<LoadableImage> images() throws IOException, ImageException {
        if (Files.exists(dir.resolve("manifest.json"))) {
            return dockerArchive();
        }
        if (Files.exists(dir.resolve("index.json"))) {
            return ociLayout();
        }
        throw new ImageException("not an image archive: it has neither manifest.json (docker-archive) nor index.json (OCI layout)");
    }

    private List<LoadableImage> dockerArchive() throws IOException, ImageException {
        JsonNode manifest = read("manifest.json");
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new ImageException("manifest.json lists no images");
        }
        List<LoadableImage> out = new ArrayList<>();
        for (JsonNode m : manifest) {
            String config = m.path("Config").asText("");
            if (config.isEmpty()) {
                throw new ImageException("manifest.json: an image has no Config");
            }
            List<LoadableImage.Layer> layers = new ArrayList<>();
            for (JsonNode l : m.path("Layers")) {
                layers.add(new LoadableImage.Layer(file(l.asText()), digestInName(l.asText(), true)));
            }
            List<String> tags = new ArrayList<>();
            for (JsonNode t : m.path("RepoTags")) {
                tags.add(t.asText());
            }
            out.add(new LoadableImage(file(config), digestInName(config, false), layers, tags));
        }
        return out;
    }

    /**
     * Docker names configs "HEX.json" (or "blobs/sha256/HEX" since 25.0): that HEX is the
     * config's digest and is checked. Layer paths carry the digest only in the blobs/ form.
     */
    private static Optional<Digest> digestInName(String name, boolean layer) {
        String[] parts = name.split("/");
        String last = parts[parts.length - 1];
        if (parts.length >= 3 && parts[parts.length - 2].equals("sha256") && parts[parts.length - 3].equals("blobs")) {
            return parse(last);
        }
        if (!layer && last.endsWith(".json")) {
            return parse(last.substring(0, last.length() - 5));
        }
        return Optional.empty();
    }

    private static Optional<Digest> parse(String hex) {
        try {
            return Optional.of(new Digest(hex));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private List<LoadableImage> ociLayout() throws IOException, ImageException {
        JsonNode index = read("index.json");
        List<LoadableImage> out = new ArrayList<>();
        for (JsonNode desc : index.path("manifests")) {
            String name = imageName(desc);
            collect(desc, name, out, 0);
        }
        if (out.isEmpty()) {
            throw new ImageException("index.json has no image for linux/" + architecture);
        }
        return out;
    }

    private void collect(JsonNode desc, String name, List<LoadableImage> out, int depth)
            throws IOException, ImageException {
        if (depth > 4) {
            throw new ImageException("image indexes nested too deeply");
        }
        JsonNode platform = desc.path("platform");
        if (platform.has("architecture") && !architecture.equals(platform.path("architecture").asText())) {
            return;
        }
        if (platform.has("os") && !"linux".equals(platform.path("os").asText())) {
            return;
        }
        String mediaType = desc.path("mediaType").asText("");
        Digest digest = descriptorDigest(desc);
        Path blob = blob(digest);
        JsonNode doc = JSON.readTree(verified(blob, digest));
        if (mediaType.contains("index") || mediaType.contains("manifest.list") || doc.has("manifests")) {
            for (JsonNode child : doc.path("manifests")) {
                collect(child, name, out, depth + 1);
            }
            return;
        }
        JsonNode config = doc.path("config");
        Digest configDigest = descriptorDigest(config);
        List<LoadableImage.Layer> layers = new ArrayList<>();
        for (JsonNode l : doc.path("layers")) {
            Digest d = descriptorDigest(l);
            layers.add(new LoadableImage.Layer(blob(d), Optional.of(d)));
        }
        out.add(new LoadableImage(blob(configDigest), Optional.of(configDigest), layers,
                name.isEmpty() ? List.of() : List.of(name)));
    }

    /** containerd's full name wins; OCI's ref.name is used when it is a full reference, not just a tag. */
    private static String imageName(JsonNode desc) {
        JsonNode ann = desc.path("annotations");
        String containerd = ann.path(CONTAINERD_NAME).asText("");
        if (!containerd.isEmpty()) {
            return containerd;
        }
        String ref = ann.path(REF_NAME).asText("");
        return ref.contains(":") || ref.contains("/") ? ref : "";
    }

    private static Digest descriptorDigest(JsonNode desc) throws ImageException {
        try {
            return Digest.parse(desc.path("digest").asText(null));
        } catch (IllegalArgumentException e) {
            throw new ImageException("bad descriptor digest: " + e.getMessage());
        }
    }

    private byte[] verified(Path blob, Digest expected) throws IOException, ImageException {
        byte[] bytes = Files.readAllBytes(blob);
        Digest actual = Digest.of(bytes);
        if (!actual.equals(expected)) {
            throw new ImageException("blob " + expected + " is corrupt: its content hashes to " + actual);
        }
        return bytes;
    }

    private Path blob(Digest d) throws IOException, ImageException {
        return file("blobs/sha256/" + d.hex());
    }

    private Path file(String name) throws IOException, ImageException {
        Path p = RootedPath.resolve(dir, LayerUnpacker.clean(name));
        if (!Files.isRegularFile(p)) {
            throw new ImageException("the archive lacks " + name);
        }
        return p;
    }

    private JsonNode read(String name) throws IOException, ImageException {
        try {
            return JSON.readTree(file(name).toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ImageException(name + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
