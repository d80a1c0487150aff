package io.orch.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.health.HealthSpec;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageRef;
import io.orch.runtime.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Docker has a task's image: already there, else loaded from the node's own
 * {@link ImageStore} (what {@code orch image load} filled), else pulled. One image at a time, so
 * a hundred replicas starting together load it once.
 */
final class DockerImages {
    private static final Logger log = LoggerFactory.getLogger(DockerImages.class);
    /** What may go into a URL path unescaped: Docker image references only use these. */
    private static final String REFERENCE = "[A-Za-z0-9][A-Za-z0-9._:/@+-]*";

    // thread-safe themselves: used under this by ensure() (the lock only serializes image loads), without it by healthcheck()
    private final DockerEngine engine;
    private final Optional<ImageStore> store;

    DockerImages(DockerEngine engine, Optional<ImageStore> store) {
        this.engine = engine;
        this.store = store;
    }

    static void validate(String ref) throws RuntimeFailure {
        if (ref == null || ref.isBlank()) {
            throw new RuntimeFailure("no image given: the docker runtime needs one", false);
        }
        if (!ref.matches(REFERENCE) || ref.contains("..")) {
            throw new RuntimeFailure("image reference " + ref + " is not valid", false);
        }
    }

    /** Docker's image id once it has the image. {@code scratch} is a directory for an archive if one must be written. */
    synchronized String ensure(String ref, Path scratch) throws RuntimeFailure {
        validate(ref);
        try {
            Optional<JsonNode> present = engine.inspectImage(ref);
            if (present.isPresent()) {
                return present.get().path("Id").asText();
            }
            Optional<Image> local = store.isPresent() ? store.get().resolve(ref) : Optional.empty();
            if (local.isPresent()) {
                loadFromStore(local.get(), ref, scratch);
            } else {
                pull(ref);
            }
            return engine.inspectImage(ref).orElseThrow(() -> new RuntimeFailure("image " + ref
                    + " is still missing in Docker after loading it", false)).path("Id").asText();
        } catch (IOException e) {
            throw new RuntimeFailure("talking to Docker about image " + ref + " failed: " + e.getMessage(), true, e);
        }
    }

    private void loadFromStore(Image image, String ref, Path scratch) throws IOException {
        Set<String> tags = new LinkedHashSet<>(image.repoTags());
        String normalized = ImageRef.normalize(ref);
        if (image.repoTags().contains(normalized)) {
            tags.add(normalized);
        }
        Files.createDirectories(scratch);
        Path archive = Files.createTempFile(scratch, "image-", ".tar");
        try {
            DockerArchive.write(store.orElseThrow(), image, tags, archive);
            long t0 = System.nanoTime();
            engine.loadImage(archive);
            log.info("image {} loaded into Docker from the node's image store ({} ms)", image.id().shortId(),
                    Duration.ofNanos(System.nanoTime() - t0).toMillis());
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private void pull(String ref) throws RuntimeFailure {
        String normalized = ImageRef.normalize(ref);
        try {
            engine.pullImage(normalized);
            log.info("image {} pulled by Docker", normalized);
        } catch (IOException e) {
            throw new RuntimeFailure("image " + ref + " is neither in Docker nor on this node (orch image load -i FILE), "
                    + "and pulling it failed: " + e.getMessage(), false, e);
        }
    }

    /** The image's own health check: from the node's store if it has the image, else from Docker's copy. */
    Optional<HealthSpec> healthcheck(String ref) {
        try {
            validate(ref);
            if (store.isPresent()) {
                Optional<Image> local = store.get().resolve(ref);
                if (local.isPresent()) {
                    return local.get().config().healthcheck();
                }
            }
            return engine.inspectImage(ref).flatMap(i -> healthcheck(i.path("Config").path("Healthcheck")));
        } catch (IOException | RuntimeFailure e) {
            return Optional.empty();
        }
    }

    static Optional<HealthSpec> healthcheck(JsonNode h) {
        if (!h.isObject() || !h.path("Test").isArray() || h.path("Test").isEmpty()) {
            return Optional.empty();
        }
        List<String> test = new ArrayList<>();
        h.path("Test").forEach(t -> test.add(t.asText()));
        return Optional.of(new HealthSpec(test, Duration.ofNanos(h.path("Interval").asLong()),
                Duration.ofNanos(h.path("Timeout").asLong()), Duration.ofNanos(h.path("StartPeriod").asLong()),
                h.path("Retries").asInt()));
    }
}
