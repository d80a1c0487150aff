package io.orch.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images, under one directory:
 * <pre>
 *   blobs/sha256/HEX        configs and layer blobs, named by the digest of their content
 *   images/HEX/image.json   an image (HEX = its config digest): tags, layers, size
 *   images/HEX/rootfs/      its layers unpacked, read-only by convention: tasks get their own layer on top
 *   tmp/                    staging for loads in progress (cleared on start)
 * </pre>
 * Every blob is verified against the digest that names it (descriptor digests for OCI layouts,
 * the config's diff ids for every layer). An image becomes visible only once fully unpacked (its
 * image.json is written last), so a crash mid-load leaves nothing half-usable.
 */
public final class ImageStore {
    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);
    // immutable after construction. What this store's lock (this) guards is on disk: every read and
    // write of an images/HEX/image.json, and the unpacking and deleting of blobs, hold the monitor
    // (importImage's synchronized block, the synchronized methods); tmp/ needs none: each load,
    // upload and pull stages under a name of its own (a fresh UUID)
    private final Path root;
    private final Path blobs;
    private final Path images;
    private final Path tmp;
    private final String architecture;
    // copy-on-write, no lock: load() runs the listeners outside the monitor; tag, addRepoDigest and
    // remove inside it
    private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ImageStore(Path root) throws IOException {
        this(root, ArchiveLayout.hostArchitecture());
    }

    ImageStore(Path root, String architecture) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.blobs = Files.createDirectories(this.root.resolve("blobs/sha256"));
        this.images = Files.createDirectories(this.root.resolve("images"));
        this.tmp = this.root.resolve("tmp");
        this.architecture = architecture;
        if (Files.exists(tmp)) {
            LayerUnpacker.deleteTree(tmp); // leftovers of a load interrupted by a crash
        }
        Files.createDirectories(tmp);
    }

    /**
     * Calls {@code listener} after every change of the set of images or their names (load, pull,
     * tag, remove), on the thread that made it: keep it short. Closing the result unsubscribes.
     */
    public AutoCloseable onChange(Runnable listener) {
        changeListeners.add(listener);
        return () -> changeListeners.remove(listener);
    }

    private void changed() {
        for (Runnable l : changeListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("an image change listener failed: {}", e.toString());
            }
        }
    }

    public Path root() {
        return root;
    }

    /** Loads every image of a docker-archive or oci-archive tarball, or of an OCI layout directory. */
    public List<Image> load(Path source) throws IOException, ImageException {
        if (!Files.exists(source)) {
            throw new ImageException("no such file or directory: " + source);
        }
        Path staging = Files.createDirectories(tmp.resolve("load-" + UUID.randomUUID()));
        try {
            Path dir = source;
            if (!Files.isDirectory(source)) {
                ArchiveExtractor.extract(source, staging.resolve("archive"));
                dir = staging.resolve("archive");
            }
            List<Image> loaded = new ArrayList<>();
            for (LoadableImage li : new ArchiveLayout(dir, architecture).images()) {
                loaded.add(importImage(li, staging));
            }
            changed();
            return loaded;
        } finally {
            LayerUnpacker.deleteTree(staging);
        }
    }

    /** Loads from a stream (the API's request body): spooled to disk first, archives can be large. */
    public List<Image> load(InputStream archive) throws IOException, ImageException {
        Path spool = tmp.resolve("upload-" + UUID.randomUUID() + ".tar");
        try {
            Files.copy(archive, spool);
            return load(spool);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private Image importImage(LoadableImage li, Path staging) throws IOException, ImageException {
        byte[] configBytes = Files.readAllBytes(li.config());
        Digest id = Digest.of(configBytes);
        if (li.configDigest().isPresent() && !li.configDigest().get().equals(id)) {
            throw new ImageException("image config " + li.configDigest().get() + " is corrupt: its content hashes to " + id);
        }
        ImageConfig config;
        try {
            config = ImageConfig.parse(ArchiveLayout.JSON.readTree(configBytes));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ImageException("image config " + id + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!config.diffIds().isEmpty() && config.diffIds().size() != li.layers().size()) {
            throw new ImageException("image " + id.shortId() + " lists " + config.diffIds().size()
                    + " diff ids for " + li.layers().size() + " layers");
        }
        synchronized (this) {
            Path imageDir = images.resolve(id.hex());
            if (!Files.exists(imageDir.resolve("image.json"))) {
                unpack(id, li, config, configBytes, staging);
            }
            retag(id, li.repoTags());
            return get(id).orElseThrow(() -> new ImageException("image " + id + " vanished while loading"));
        }
    }

    private void unpack(Digest id, LoadableImage li, ImageConfig config, byte[] configBytes, Path staging)
            throws IOException, ImageException {
        Path rootfs = Files.createDirectories(staging.resolve("rootfs-" + id.hex()));
        long size = 0;
        List<String> layerDigests = new ArrayList<>();
        for (int i = 0; i < li.layers().size(); i++) {
            LoadableImage.Layer layer = li.layers().get(i);
            Digest blobDigest = Digest.of(layer.blob());
            if (layer.blobDigest().isPresent() && !layer.blobDigest().get().equals(blobDigest)) {
                throw new ImageException("layer " + layer.blobDigest().get() + " is corrupt: its content hashes to " + blobDigest);
            }
            Digest diffId;
            try (InputStream in = Files.newInputStream(layer.blob())) {
                diffId = LayerUnpacker.apply(in, rootfs);
            }
            if (!config.diffIds().isEmpty() && !config.diffIds().get(i).equals(diffId)) {
                throw new ImageException("layer " + (i + 1) + " of image " + id.shortId() + " does not match the config: diff id "
                        + diffId + ", expected " + config.diffIds().get(i));
            }
            storeBlob(blobDigest, layer.blob());
            layerDigests.add(blobDigest.toString());
            size += Files.size(layer.blob());
        }
        Path configBlob = blobs.resolve(id.hex());
        if (!Files.exists(configBlob)) {
            Files.write(staging.resolve("config.json"), configBytes);
            Files.move(staging.resolve("config.json"), configBlob, StandardCopyOption.ATOMIC_MOVE);
        }
        Path imageDir = Files.createDirectories(images.resolve(id.hex()));
        if (Files.exists(imageDir.resolve("rootfs"))) {
            LayerUnpacker.deleteTree(imageDir.resolve("rootfs")); // from a load that crashed before image.json
        }
        Files.move(rootfs, imageDir.resolve("rootfs"), StandardCopyOption.ATOMIC_MOVE);
        ObjectNode meta = ArchiveLayout.JSON.createObjectNode();
        meta.put("Id", id.toString());
        meta.putArray("RepoTags");
        ArrayNode layers = meta.putArray("Layers");
        layerDigests.forEach(layers::add);
        meta.put("Size", size);
        meta.put("LoadedAt", System.currentTimeMillis());
        writeMeta(id, meta);
        log.info("image {} unpacked ({} layers, {} bytes)", id.shortId(), layerDigests.size(), size);
    }

    /** Deletes blobs no remaining image references (configs are per image; layers may be shared). */
    private void collectGarbage() throws IOException {
        Set<String> referenced = new java.util.HashSet<>();
        for (Image i : list()) {
            referenced.add(i.id().hex());
            readMeta(i.id()).ifPresent(m -> m.path("Layers").forEach(l -> referenced.add(Digest.parse(l.asText()).hex())));
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(blobs)) {
            for (Path b : all) {
                if (!referenced.contains(b.getFileName().toString())) {
                    Files.deleteIfExists(b);
                }
            }
        }
    }

    private void storeBlob(Digest digest, Path source) throws IOException {
        Path target = blobs.resolve(digest.hex());
        if (!Files.exists(target)) {
            Path part = tmp.resolve(digest.hex() + ".part-" + UUID.randomUUID());
            Files.copy(source, part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Gives {@code tags} to image {@code id}, taking them from any other image that had them (as docker load does). */
    private void retag(Digest id, List<String> tags) throws IOException {
        if (tags.isEmpty()) {
            return;
        }
        Set<String> normalized = new LinkedHashSet<>();
        tags.forEach(t -> normalized.add(ImageRef.normalize(t)));
        for (Image other : list()) {
            if (!other.id().equals(id) && other.repoTags().stream().anyMatch(normalized::contains)) {
                List<String> kept = new ArrayList<>(other.repoTags());
                kept.removeAll(normalized);
                setTags(other.id(), kept);
            }
        }
        Image self;
        try {
            self = get(id).orElseThrow();
        } catch (ImageException e) {
            throw new IOException(e.getMessage(), e);
        }
        Set<String> all = new LinkedHashSet<>(self.repoTags());
        all.addAll(normalized);
        setTags(id, new ArrayList<>(all));
    }

    private void setTags(Digest id, List<String> tags) throws IOException {
        ObjectNode meta = (ObjectNode) readMeta(id).orElseThrow();
        ArrayNode arr = meta.putArray("RepoTags");
        tags.forEach(arr::add);
        writeMeta(id, meta);
    }

    private void writeMeta(Digest id, ObjectNode meta) throws IOException {
        Path dir = images.resolve(id.hex());
        Path part = dir.resolve("image.json.part");
        Files.write(part, ArchiveLayout.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        Files.move(part, dir.resolve("image.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Optional<JsonNode> readMeta(Digest id) throws IOException {
        Path f = images.resolve(id.hex()).resolve("image.json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(ArchiveLayout.JSON.readTree(f.toFile()));
    }

    /** The stored config blob of {@code image} (its id is the digest of this file). */
    public Path configBlob(Image image) {
        return blobs.resolve(image.id().hex());
    }

    /** The stored layer blobs of {@code image}, bottom-up, as loaded (tar or gzipped tar), for exporting it. */
    public synchronized List<Path> layerBlobs(Image image) throws IOException {
        List<Path> out = new ArrayList<>();
        JsonNode meta = readMeta(image.id()).orElseThrow(() -> new IOException("image " + image.id() + " is gone"));
        meta.path("Layers").forEach(l -> out.add(blobs.resolve(Digest.parse(l.asText()).hex())));
        return out;
    }

    /** A fresh directory under the store's staging area (cleared on restart) for a pull to assemble an OCI layout in. */
    public Path newStagingDirectory(String prefix) throws IOException {
        return Files.createDirectories(tmp.resolve(prefix + "-" + UUID.randomUUID()));
    }

    /** Gives image {@code id} the tag {@code ref}, taking it from any other image that had it (a pull of a known image). */
    public synchronized void tag(Digest id, String ref) throws IOException, ImageException {
        if (get(id).isEmpty()) {
            throw new ImageException("No such image: " + id);
        }
        retag(id, List.of(ref));
        changed();
    }

    /** Records that image {@code id} is "repo@sha256:..." (the manifest digest it was pulled by), as docker's RepoDigests. */
    public synchronized void addRepoDigest(Digest id, String repoDigest) throws IOException, ImageException {
        ObjectNode meta = (ObjectNode) readMeta(id).orElseThrow(() -> new ImageException("No such image: " + id));
        Set<String> all = new LinkedHashSet<>();
        meta.path("RepoDigests").forEach(d -> all.add(d.asText()));
        if (all.add(repoDigest)) {
            ArrayNode arr = meta.putArray("RepoDigests");
            all.forEach(arr::add);
            writeMeta(id, meta);
            changed();
        }
    }

    /** Every complete image, newest first. */
    public synchronized List<Image> list() throws IOException {
        List<Image> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(images)) {
            for (Path d : dirs) {
                try {
                    get(new Digest(d.getFileName().toString())).ifPresent(out::add);
                } catch (IllegalArgumentException | IOException | ImageException e) {
                    log.warn("ignoring unreadable image {}: {}", d.getFileName(), e.toString());
                }
            }
        }
        out.sort(Comparator.comparingLong(Image::loadedAtMillis).reversed());
        return out;
    }

    private Optional<Image> get(Digest id) throws IOException, ImageException {
        Optional<JsonNode> meta = readMeta(id);
        if (meta.isEmpty()) {
            return Optional.empty();
        }
        JsonNode m = meta.get();
        List<String> tags = new ArrayList<>();
        m.path("RepoTags").forEach(t -> tags.add(t.asText()));
        List<String> repoDigests = new ArrayList<>();
        m.path("RepoDigests").forEach(t -> repoDigests.add(t.asText()));
        ImageConfig config = ImageConfig.parse(ArchiveLayout.JSON.readTree(blobs.resolve(id.hex()).toFile()));
        return Optional.of(new Image(id, tags, images.resolve(id.hex()).resolve("rootfs"), config,
                m.path("Size").asLong(), m.path("LoadedAt").asLong(), repoDigests));
    }

    /**
     * Finds an image by tag ("busybox" = "busybox:latest"), full id ("sha256:HEX") or a unique id
     * prefix of at least 4 hex digits, as docker does.
     */
    public synchronized Optional<Image> resolve(String ref) throws IOException {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        String normalized = ImageRef.normalize(ref);
        List<Image> all = list();
        for (Image i : all) {
            if (i.repoTags().contains(normalized)) {
                return Optional.of(i);
            }
        }
        int at = normalized.indexOf('@');
        if (at > 0) { // repo@sha256:... (or repo:tag@sha256:..., where the digest decides): pulled images
            String name = normalized.substring(0, at);
            int colon = name.lastIndexOf(':');
            String repo = colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
            String repoDigest = repo + normalized.substring(at);
            for (Image i : all) {
                if (i.repoDigests().contains(repoDigest)) {
                    return Optional.of(i);
                }
            }
        }
        String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        if (hex.length() >= 4 && hex.matches("[0-9a-f]+")) {
            List<Image> matches = all.stream().filter(i -> i.id().hex().startsWith(hex)).toList();
            if (matches.size() == 1) {
                return Optional.of(matches.get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * Removes a tag, or the image itself when given by id or when its last tag goes. Images whose
     * rootfs a task still uses are refused unless {@code inUse} says none does.
     * Returns what docker reports: "Untagged: X" and "Deleted: ID" lines.
     */
    public synchronized List<String> remove(String ref, boolean force, java.util.function.Predicate<Image> inUse)
            throws IOException, ImageException {
        Image image = resolve(ref).orElseThrow(() -> new ImageException("No such image: " + ref));
        List<String> report = new ArrayList<>();
        String normalized = ImageRef.normalize(ref);
        boolean byTag = image.repoTags().contains(normalized);
        if (byTag && image.repoTags().size() > 1) {
            List<String> kept = new ArrayList<>(image.repoTags());
            kept.remove(normalized);
            setTags(image.id(), kept);
            changed();
            return List.of("Untagged: " + normalized);
        }
        if (!byTag && image.repoTags().size() > 1 && !force) {
            throw new ImageException("conflict: unable to delete " + image.id().shortId()
                    + " (must be forced) - image is referenced in multiple repositories");
        }
        if (inUse.test(image) && !force) {
            throw new ImageException("conflict: unable to delete " + (byTag ? normalized : image.id().shortId())
                    + " - image is being used by a running task");
        }
        image.repoTags().forEach(t -> report.add("Untagged: " + t));
        Path dir = images.resolve(image.id().hex());
        Files.delete(dir.resolve("image.json")); // invisible first, then the bulk
        LayerUnpacker.deleteTree(dir);
        report.add("Deleted: " + image.id());
        collectGarbage();
        log.info("image {} removed", image.id().shortId());
        changed();
        return report;
    }
}
