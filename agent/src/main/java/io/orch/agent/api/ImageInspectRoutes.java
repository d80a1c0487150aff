package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageRef;
import io.orch.runtime.image.ImageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One image of this node's store as Docker shows it: {@code GET /images/{name}/json}
 * ({@code docker image inspect}), {@code GET /images/{name}/history} ({@code docker history})
 * and {@code POST /images/{name}/tag} ({@code docker tag}). The answers come from the image's
 * stored config blob (its {@code config}, {@code rootfs.diff_ids}, {@code history}).
 */
final class ImageInspectRoutes {
    /** Docker's reference grammar, simplified: lowercase path components, an optional registry host:port. */
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");

    private final Optional<ImageStore> store;

    /** @param store this node's image store (managers and workers alike), or empty where the node has none */
    ImageInspectRoutes(Optional<ImageStore> store) {
        this.store = store;
    }

    void register(Router router) {
        router.get("/images/{name*}/json", this::inspect);
        router.get("/images/{name*}/history", this::history);
        router.post("/images/{name*}/tag", this::tag);
    }

    private ImageStore store() throws ApiException {
        return store.orElseThrow(() ->
                new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "this node has no image store"));
    }

    private Image image(ImageStore store, String name) throws ApiException {
        try {
            return store.resolve(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reading the image store failed: " + e.getMessage());
        }
    }

    private static JsonNode configBlob(ImageStore store, Image image) throws ApiException {
        Path blob = store.configBlob(image);
        try {
            return DockerJson.MAPPER.readTree(Files.readAllBytes(blob));
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reading the config of image " + image.id() + " failed: " + e.getMessage());
        }
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        ImageStore store = store();
        Image image = image(store, request.pathParam("name"));
        JsonNode blob = configBlob(store, image);
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("Id", image.id().toString());
        image.repoTags().forEach(out.putArray("RepoTags")::add);
        image.repoDigests().forEach(out.putArray("RepoDigests")::add);
        out.put("Parent", "").put("Comment", blob.path("comment").asText(""));
        out.put("Created", blob.path("created").asText(Instant.ofEpochMilli(image.loadedAtMillis()).toString()));
        out.put("DockerVersion", blob.path("docker_version").asText(""));
        out.put("Author", blob.path("author").asText(""));
        // the image config's own keys are Docker's ContainerConfig names (Env, Cmd, Entrypoint, ...)
        out.set("Config", blob.path("config").isObject() ? blob.get("config").deepCopy() : DockerJson.MAPPER.createObjectNode());
        out.put("Architecture", blob.path("architecture").asText(""));
        if (blob.hasNonNull("variant")) {
            out.put("Variant", blob.get("variant").asText());
        }
        out.put("Os", blob.path("os").asText(""));
        out.put("Size", image.size());
        ObjectNode driver = out.putObject("GraphDriver").put("Name", "orch");
        driver.putObject("Data").put("RootDir", "");
        ObjectNode rootfs = out.putObject("RootFS").put("Type", "layers");
        ArrayNode layers = rootfs.putArray("Layers");
        blob.path("rootfs").path("diff_ids").forEach(d -> layers.add(d.asText()));
        out.putObject("Metadata").putNull("LastTagTime");
        return ApiResponse.ok(out);
    }

    /**
     * Newest first, as Docker: one entry per history step; only the newest carries the image's id
     * and tags ("&lt;missing&gt;" for the rest, as for a pulled image). A step's size is its layer
     * blob as stored (compressed when the image came compressed); steps without a layer are 0.
     */
    ApiResponse history(ApiRequest request) throws ApiException {
        ImageStore store = store();
        Image image = image(store, request.pathParam("name"));
        JsonNode steps = configBlob(store, image).path("history");
        List<Path> layers;
        try {
            layers = store.layerBlobs(image);
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reading the layers of image " + image.id() + " failed: " + e.getMessage());
        }
        List<ObjectNode> entries = new ArrayList<>();
        int layer = 0;
        for (JsonNode step : steps) {
            long size = 0;
            if (!step.path("empty_layer").asBoolean(false) && layer < layers.size()) {
                size = sizeOf(layers.get(layer++));
            }
            entries.add(DockerJson.MAPPER.createObjectNode().put("Id", "<missing>").put("Created", epochSeconds(step.path("created").asText("")))
                    .put("CreatedBy", step.path("created_by").asText("")).put("Size", size).put("Comment", step.path("comment").asText("")));
        }
        if (entries.isEmpty()) { // an image without history: one step for all of it
            entries.add(DockerJson.MAPPER.createObjectNode().put("Id", "<missing>")
                    .put("Created", image.loadedAtMillis() / 1000).put("CreatedBy", "").put("Size", image.size()).put("Comment", ""));
        }
        ArrayNode out = DockerJson.MAPPER.createArrayNode();
        for (int i = entries.size() - 1; i >= 0; i--) {
            ObjectNode e = entries.get(i);
            if (i == entries.size() - 1) {
                e.put("Id", image.id().toString());
                image.repoTags().forEach(e.putArray("Tags")::add);
            } else {
                e.putNull("Tags");
            }
            out.add(e);
        }
        return ApiResponse.ok(out);
    }

    /** {@code ?repo=R&tag=T}: the image is also R:T (T defaults to latest); 201 as Docker. */
    ApiResponse tag(ApiRequest request) throws ApiException {
        ImageStore store = store();
        Image image = image(store, request.pathParam("name"));
        String repo = request.query("repo").orElse("");
        String tag = request.query("tag").orElse("");
        if (repo.isEmpty()) {
            throw ApiException.badRequest("repo: a repository name is required");
        }
        if (repo.contains("@")) {
            throw ApiException.badRequest("repo: refusing to create a tag with a digest reference");
        }
        if (!REPOSITORY.matcher(repo).matches()) {
            throw ApiException.badRequest("repo: invalid reference format: repository name (" + repo + ") must be lowercase");
        }
        if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
            throw ApiException.badRequest("tag: invalid tag format \"" + tag + "\"");
        }
        String ref = ImageRef.normalize(repo + ":" + (tag.isEmpty() ? "latest" : tag));
        try {
            store.tag(image.id(), ref);
        } catch (ImageException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "tagging failed: " + e.getMessage());
        }
        return ApiResponse.empty(HttpResponseStatus.CREATED);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long epochSeconds(String rfc3339) {
        try {
            return Instant.parse(rfc3339).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
