package io.orch.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.image.Digest;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls images from registries into the node's {@link ImageStore}: resolves the reference to
 * one manifest (from an index, the node's linux platform), downloads and digest-checks the
 * config and every layer into an OCI layout in the store's staging area, and lets the store
 * import it (which verifies the layers against the config's diff ids, unpacks them with
 * whiteouts into the read-only rootfs, and makes the image visible only once complete).
 */
public final class ImagePuller {
    private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore store;
    private final RegistryConfig config;
    private final RegistryClient client;
    private final String architecture;
    private final PullObserver observer;

    public ImagePuller(ImageStore store, RegistryConfig config) {
        this(store, config, new RegistryClient(config), PlatformSelector.hostArchitecture(), PullObserver.NONE);
    }

    ImagePuller(ImageStore store, RegistryClient client, String architecture) {
        this(store, null, client, architecture, PullObserver.NONE);
    }

    private ImagePuller(ImageStore store, RegistryConfig config, RegistryClient client, String architecture,
                        PullObserver observer) {
        this.store = store;
        this.config = config;
        this.client = client;
        this.architecture = architecture;
        this.observer = observer;
    }

    /** This puller, telling {@code observer} how each pull from a registry ends (metrics). */
    public ImagePuller observedBy(PullObserver observer) {
        return new ImagePuller(store, config, client, architecture, java.util.Objects.requireNonNull(observer));
    }

    /** This node's registry settings (insecure registries, timeouts). */
    public RegistryConfig config() {
        return config != null ? config : RegistryConfig.defaults();
    }

    /**
     * A puller that logs in to {@code ref}'s registry with {@code auth} (the credentials a pull
     * request or a service's --with-registry-auth carries), or this one when there are none.
     *
     * @throws ImageException when the credentials cannot be used (only an identity token)
     */
    public ImagePuller withAuth(String ref, Optional<RegistryAuth> auth) throws ImageException {
        if (auth.isEmpty()) {
            return this;
        }
        String registry;
        RegistryConfig.Credentials credentials;
        try {
            registry = ImageReference.parse(ref).registry();
            credentials = auth.get().credentials();
        } catch (IllegalArgumentException e) {
            throw new ImageException(e.getMessage());
        }
        RegistryConfig withLogin = config().withCredentials(registry, credentials);
        return new ImagePuller(store, withLogin, new RegistryClient(withLogin), architecture, observer);
    }

    public ImageStore store() {
        return store;
    }

    /**
     * Whether a task's image reference may be pulled when missing: only references that name
     * their registry (as the scheduler's image filter assumes), so "busybox" never waits on
     * Docker Hub from a node that cannot reach it.
     */
    public static boolean pullable(String ref) {
        try {
            return ImageReference.parse(ref).explicitRegistry();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The image for {@code ref}: from the store when there, else pulled (when {@link #pullable}).
     * {@code status} hears "pulling image REF" before a pull starts.
     */
    public Image ensure(String ref, java.util.function.Consumer<String> status) throws IOException, ImageException {
        return ensure(ref, Optional.empty(), status);
    }

    /** {@link #ensure(String, java.util.function.Consumer)}, pulling with the task's registry login when it has one. */
    public Image ensure(String ref, Optional<RegistryAuth> auth, java.util.function.Consumer<String> status)
            throws IOException, ImageException {
        Optional<Image> present = store.resolve(ref);
        if (present.isPresent()) {
            return present.get();
        }
        if (!pullable(ref)) {
            throw new ImageException("image " + ref + " is not on this node and its reference names no registry to pull it from"
                    + " (load it with: orch image load -i FILE)");
        }
        status.accept("pulling image " + ref);
        return withAuth(ref, auth).pull(ref, PullProgress.NONE).image();
    }

    /** Pulls {@code ref} (a tag or a digest), reporting progress as docker's pull does. */
    public PullResult pull(String refText, PullProgress progress) throws IOException, ImageException {
        boolean succeeded = false;
        long started = System.nanoTime();
        try {
            PullResult result = pullFromRegistry(refText, progress);
            succeeded = true;
            return result;
        } finally {
            observer.pulled(succeeded, System.nanoTime() - started);
        }
    }

    private PullResult pullFromRegistry(String refText, PullProgress progress) throws IOException, ImageException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(refText);
        } catch (IllegalArgumentException e) {
            throw new ImageException(e.getMessage());
        }
        progress.report("Pulling from " + ref.repository(), ref.tag().orElse(ref.digest().map(Digest::toString).orElse("")));
        client.ping(ref);
        RegistryClient.Manifest top = client.manifest(ref, ref.manifestReference());
        RegistryClient.Manifest manifest = imageManifest(ref, top);
        JsonNode doc = manifest.json();
        PlatformSelector.Descriptor config = PlatformSelector.Descriptor.of(doc.path("config"), ref.toString());
        List<PlatformSelector.Descriptor> layers = new ArrayList<>();
        for (JsonNode l : doc.path("layers")) {
            layers.add(PlatformSelector.Descriptor.of(l, ref.toString()));
        }
        Optional<Image> known = store.resolve(config.digest().toString());
        if (known.isPresent() && known.get().id().equals(config.digest())) {
            for (PlatformSelector.Descriptor l : layers) {
                progress.report("Already exists", l.digest().shortId());
            }
            Image image = record(ref, known.get().id(), top.digest());
            progress.report("Digest: " + top.digest(), "");
            progress.report("Status: Image is up to date for " + ref, "");
            return new PullResult(image, top.digest(), false);
        }
        Path layout = store.newStagingDirectory("pull");
        try {
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            client.blob(ref, config.digest(), config.size(), blobs.resolve(config.digest().hex()));
            for (PlatformSelector.Descriptor l : layers) {
                progress.report("Pulling fs layer", l.digest().shortId());
            }
            for (PlatformSelector.Descriptor l : layers) {
                Path target = blobs.resolve(l.digest().hex());
                if (!Files.exists(target)) { // an image may list the same layer twice
                    String id = l.digest().shortId();
                    client.blob(ref, l.digest(), l.size(), target, (current, total) -> progress.downloading(id, current, total));
                }
                progress.report("Download complete", l.digest().shortId());
            }
            Files.write(blobs.resolve(manifest.digest().hex()), manifest.bytes());
            writeIndex(layout, manifest, ref);
            List<Image> loaded = store.load(layout);
            if (loaded.size() != 1) {
                throw new ImageException("pulling " + ref + " produced " + loaded.size() + " images");
            }
            for (PlatformSelector.Descriptor l : layers) {
                progress.report("Pull complete", l.digest().shortId());
            }
            Image image = record(ref, loaded.get(0).id(), top.digest());
            progress.report("Digest: " + top.digest(), "");
            progress.report("Status: Downloaded newer image for " + ref, "");
            log.info("pulled {} ({}; image {})", ref, top.digest(), image.id().shortId());
            return new PullResult(image, top.digest(), true);
        } finally {
            deleteTree(layout);
        }
    }

    /** The single-platform manifest: {@code top} itself, or the linux/ARCH entry of an index. */
    private RegistryClient.Manifest imageManifest(ImageReference ref, RegistryClient.Manifest top)
            throws IOException, RegistryException {
        JsonNode doc = top.json();
        String mediaType = doc.path("mediaType").asText(top.mediaType());
        if (MediaTypes.isSchema1(mediaType) || doc.path("schemaVersion").asInt() == 1) {
            throw new RegistryException(ref + " has a schema 1 manifest, which is not supported; push it again with a current client");
        }
        if (MediaTypes.isIndex(mediaType) || doc.has("manifests")) {
            PlatformSelector.Descriptor chosen = PlatformSelector.select(doc, "linux", architecture, ref.toString());
            RegistryClient.Manifest m = client.manifest(ref, chosen.digest().toString());
            JsonNode inner = m.json();
            if (inner.has("manifests")) {
                throw new RegistryException("the linux/" + architecture + " entry of " + ref + " is itself an index");
            }
            return m;
        }
        if (!doc.has("config") || !doc.has("layers")) {
            throw new RegistryException(ref + ": unsupported manifest type " + (mediaType.isEmpty() ? "(none given)" : mediaType));
        }
        return top;
    }

    /** Tags the image with the reference's tag (if any) and records its repo digest. */
    private Image record(ImageReference ref, Digest id, Digest manifestDigest) throws IOException, ImageException {
        if (ref.familiarTag().isPresent()) {
            store.tag(id, ref.familiarTag().get());
        }
        store.addRepoDigest(id, ref.repoDigest(manifestDigest));
        return store.resolve(id.toString()).orElseThrow(() -> new ImageException("image " + id + " vanished after the pull"));
    }

    private static void writeIndex(Path layout, RegistryClient.Manifest manifest, ImageReference ref) throws IOException {
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        ObjectNode desc = index.putArray("manifests").addObject()
                .put("mediaType", MediaTypes.OCI_MANIFEST)
                .put("digest", manifest.digest().toString())
                .put("size", manifest.bytes().length);
        ref.familiarTag().ifPresent(t -> desc.putObject("annotations").put("io.containerd.image.name", t));
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
