package io.orch.agent.api;

import io.orch.api.model.TaskStates;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.ImageReference;
import io.orch.runtime.image.registry.RegistryAuth;
import io.orch.runtime.image.registry.RegistryConfig;
import io.orch.runtime.image.registry.RegistryException;

import io.orch.agent.images.LoadedLines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /images}: this node's image store as Docker's image endpoints ({@code docker load},
 * {@code docker pull}, {@code docker image ls}, {@code docker image rm}). Node-local: each node
 * has its own store.
 */
final class ImageRoutes {
    /** The image references of the tasks on this node that have not reached a final state. */
    @FunctionalInterface
    interface LiveImages {
        List<String> refs() throws ApiException;
    }

    private final Optional<ImageStore> images;
    private final LiveImages liveImages;
    private final Function<ImageStore, ImagePuller> pullers;
    private final ImageLoadFanOut fanOut;

    ImageRoutes(ApiContext context) {
        this(context, store -> new ImagePuller(store, context.services().registries()));
    }

    /** @param pullers how this node pulls into its store (its registry settings: insecure registries, logins) */
    ImageRoutes(ApiContext context, Function<ImageStore, ImagePuller> pullers) {
        this(context.services().imageStore(), () -> imagesOfLiveTasks(context), pullers,
                context.services().imageStore().map(local -> new ImageLoadFanOut(context.store(), context.nodeId(), local,
                        context.services().nodeImagesClient())).orElse(null));
    }

    /**
     * A node's image routes without the cluster store (a worker-only node): {@code liveImages}
     * says which images its running tasks use, so {@code image rm} refuses to remove them.
     */
    ImageRoutes(Optional<ImageStore> images, LiveImages liveImages, Function<ImageStore, ImagePuller> pullers) {
        this(images, liveImages, pullers, null);
    }

    /** @param fanOut loads an upload on other nodes (a manager's {@code image load --node}), or null where there is none */
    private ImageRoutes(Optional<ImageStore> images, LiveImages liveImages, Function<ImageStore, ImagePuller> pullers,
                        ImageLoadFanOut fanOut) {
        this.images = images;
        this.liveImages = liveImages;
        this.pullers = pullers;
        this.fanOut = fanOut;
    }

    void register(Router router) {
        router.post("/images/load", this::load);
        router.post("/images/create", this::create);
        router.get("/images/json", this::list);
        router.delete("/images/{name*}", this::remove);
    }

    private ImageStore store() throws ApiException {
        return images.orElseThrow(() ->
                new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "this node has no image store"));
    }

    /**
     * The body is the archive as {@code docker load} sends it (spooled to disk by
     * {@link UploadSpooler} on a real server). Docker answers a JSON message stream; the
     * {@code stream} lines are what the CLI prints.
     */
    ApiResponse load(ApiRequest request) throws ApiException {
        ImageStore images = store();
        if (request.bodyFile() == null && request.body().length == 0) {
            throw ApiException.badRequest("request body is empty; expected an image archive (docker-archive or oci-archive tar)");
        }
        List<String> nodes = nodeNames(request);
        if (!nodes.isEmpty() || request.flag("allNodes")) {
            return loadOnNodes(request, images, nodes);
        }
        List<Image> loaded;
        try (InputStream in = request.bodyStream()) {
            loaded = request.bodyFile() != null ? images.load(request.bodyFile()) : images.load(in);
        } catch (ImageException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("loading the image archive failed: " + e.getMessage());
        }
        StringBuilder out = new StringBuilder();
        for (String line : LoadedLines.of(loaded)) {
            out.append(streamLine(line));
        }
        return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, out.toString());
    }

    /** {@code node} query parameters, each possibly a comma-separated list (orch's own extension of the load endpoint). */
    private static List<String> nodeNames(ApiRequest request) {
        List<String> names = new ArrayList<>();
        for (String value : request.query().getOrDefault("node", List.of())) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        return names;
    }

    /**
     * The upload loaded on the named nodes (or all nodes that are up): one stream line per node
     * and image ("w1: Loaded image: app:1"), one per node that failed, then an error message
     * naming the failed nodes so that the CLI exits non-zero.
     */
    private ApiResponse loadOnNodes(ApiRequest request, ImageStore images, List<String> names) throws ApiException {
        if (fanOut == null) {
            throw ApiException.badRequest("node: loading an image on other nodes goes through a manager; this node loads only into its own store");
        }
        Map<String, io.orch.api.proto.Node> targets = fanOut.targets(names, request.flag("allNodes"));
        Path archive = request.bodyFile();
        Path spooled = null;
        try {
            if (archive == null) { // a small body the server kept in memory: the transfers read a file
                spooled = Files.createTempFile(Files.createDirectories(images.root().resolve("tmp")), "load-", ".tar");
                Files.write(spooled, request.body());
                archive = spooled;
            }
            StringBuilder out = new StringBuilder();
            List<String> failed = new ArrayList<>();
            for (ImageLoadFanOut.Outcome o : fanOut.load(targets, archive)) {
                if (o.ok()) {
                    o.loaded().forEach(line -> out.append(streamLine(o.node() + ": " + line)));
                } else {
                    failed.add(o.node());
                    out.append(streamLine(o.node() + ": failed: " + o.error()));
                }
            }
            if (!failed.isEmpty()) {
                out.append(errorLine("the image was not loaded on " + failed.size() + " of " + targets.size() + " nodes: "
                        + String.join(", ", failed)));
            }
            return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, out.toString());
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "staging the image archive failed: " + e.getMessage());
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException ignored) {
                    // the staging directory is cleared when the store opens
                }
            }
        }
    }

    /**
     * {@code docker pull}: {@code fromImage} (and {@code tag}, a tag or a digest) pulled from its
     * registry into this node's store. Answers Docker's JSON progress messages ({"status":
     * "Pulling from library/busybox"} ... {"status":"Digest: sha256:..."} {"status":"Status:
     * Downloaded newer image for busybox:latest"}). A reference that is wrong is 400, a manifest
     * or repository the registry does not give is 404; failures mid-pull (a blob that fails its
     * digest check, a lost connection) end the stream with an error message, as Docker does.
     */
    ApiResponse create(ApiRequest request) throws ApiException {
        ImageStore images = store();
        if (request.query("fromSrc").isPresent()) {
            throw ApiException.badRequest("fromSrc: importing a root file system tarball is not supported; use docker load");
        }
        String from = request.query("fromImage").filter(s -> !s.isBlank()).orElseThrow(() ->
                ApiException.badRequest("fromImage: missing; expected an image reference such as registry.example:5000/app"));
        String ref = withTag(from, request.query("tag").orElse(""));
        Optional<String> platform = request.query("platform").filter(s -> !s.isBlank());
        if (platform.isPresent() && !platform.get().startsWith("linux")) {
            throw ApiException.badRequest("platform: " + platform.get() + " is not supported; this node runs linux images");
        }
        try {
            ImageReference.parse(ref);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ImagePuller puller;
        try {
            puller = pullers.apply(images).withAuth(ref, RegistryAuth.decode(request.header("X-Registry-Auth").orElse(null)));
        } catch (IllegalArgumentException | ImageException e) {
            throw ApiException.badRequest(e.getMessage()); // names the header, never its value
        }
        try {
            return ApiResponse.streaming(HttpResponseStatus.OK, ApiResponse.JSON, PullStream.start(puller, ref).response());
        } catch (RegistryException e) {
            String m = e.getMessage();
            if (m.startsWith("manifest for ") || m.startsWith("pull access denied") || m.contains("NAME_UNKNOWN")) {
                throw ApiException.notFound(m);
            }
            return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, errorLine(m));
        } catch (ImageException e) {
            return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, errorLine(e.getMessage()));
        } catch (IOException e) {
            return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, errorLine("pulling " + ref + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "interrupted while pulling " + ref);
        } catch (Exception e) {
            return ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, errorLine(String.valueOf(e.getMessage())));
        }
    }

    /** Docker's client splits "name:tag" / "name@digest" into fromImage and tag (the digest travels as the tag). */
    static String withTag(String fromImage, String tag) {
        if (tag.isBlank()) {
            return fromImage;
        }
        return fromImage + (tag.startsWith("sha256:") ? "@" : ":") + tag;
    }

    static String errorLine(String message) {
        ObjectNode line = DockerJson.MAPPER.createObjectNode();
        line.putObject("errorDetail").put("message", message);
        line.put("error", message);
        return line + "\r\n";
    }

    private static String streamLine(String text) {
        return DockerJson.MAPPER.createObjectNode().put("stream", text + "\n") + "\r\n";
    }

    /** Docker's ImageSummary for each image; filters are not supported yet (all images are listed). */
    ApiResponse list(ApiRequest request) throws ApiException {
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        List<Image> all;
        try {
            all = store().list();
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reading the image store failed: " + e.getMessage());
        }
        for (Image i : all) {
            ObjectNode o = out.addObject();
            o.put("Id", i.id().toString());
            o.put("ParentId", "");
            ArrayNode tags = o.putArray("RepoTags");
            i.repoTags().forEach(tags::add);
            ArrayNode digests = o.putArray("RepoDigests");
            i.repoDigests().forEach(digests::add);
            o.put("Created", createdSeconds(i));
            o.put("Size", i.size());
            o.put("SharedSize", -1);
            o.put("VirtualSize", i.size());
            ObjectNode labels = o.putObject("Labels");
            i.config().labels().forEach(labels::put);
            o.put("Containers", -1);
        }
        return ApiResponse.ok(out);
    }

    /** The config's creation time (RFC 3339), else when it was loaded: Docker shows seconds since the epoch. */
    private static long createdSeconds(Image image) {
        String created = image.config().created();
        if (created != null && !created.isBlank()) {
            try {
                return Instant.parse(created).getEpochSecond();
            } catch (DateTimeParseException ignored) {
                // an odd timestamp in the image config: fall back to the load time
            }
        }
        return image.loadedAtMillis() / 1000;
    }

    /**
     * Untags or deletes, as {@code docker image rm}: 404 for an unknown image, 409 when a task on
     * this node still uses it (unless {@code force}) or a bare id has several tags.
     */
    ApiResponse remove(ApiRequest request) throws ApiException {
        ImageStore images = store();
        String name = request.pathParam("name");
        boolean force = request.flag("force");
        List<String> report;
        try {
            if (images.resolve(name).isEmpty()) {
                throw ApiException.notFound("No such image: " + name);
            }
            List<String> inUseRefs = liveImages.refs();
            report = images.remove(name, force, image -> usedBy(images, image, inUseRefs));
        } catch (ImageException e) {
            String m = e.getMessage();
            throw m.startsWith("No such image") ? ApiException.notFound(m) : ApiException.conflict(m);
        } catch (IOException | UncheckedIOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "removing the image failed: " + e.getMessage());
        }
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        for (String line : report) {
            int colon = line.indexOf(": ");
            out.addObject().put(line.substring(0, colon), line.substring(colon + 2));
        }
        return ApiResponse.ok(out);
    }

    /** The image references of the tasks on this node that have not reached a final state. */
    private static List<String> imagesOfLiveTasks(ApiContext context) throws ApiException {
        return StoreReads.read(context.store(), tx -> {
            List<String> refs = new ArrayList<>();
            for (Task t : tx.tasks()) {
                if (t.getNodeId().equals(context.nodeId()) && !TaskStates.finished(t)) {
                    refs.add(t.getSpec().getContainerSpec().getImage());
                }
            }
            return refs;
        });
    }

    private static boolean usedBy(ImageStore images, Image image, List<String> refs) {
        for (String ref : refs) {
            try {
                Optional<Image> resolved = images.resolve(ref);
                if (resolved.isPresent() && resolved.get().id().equals(image.id())) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }
}
