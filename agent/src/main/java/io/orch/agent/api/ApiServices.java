package io.orch.agent.api;

import io.orch.agent.events.EventLog;
import io.orch.agent.images.NodeImagesClient;
import io.orch.agent.logs.NodeLogsClient;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.RegistryConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The node-local parts of the agent the API reaches beyond the cluster store: the image store
 * and the directory where the runtimes keep each task's output ({@code tasksDir/<taskId>/stdout.log}).
 * Kept apart from {@link ApiContext}'s store-only fields so that tests and tools that only need
 * the store do not have to provide them.
 *
 * @param images   this node's image store, or null when the node has none (images routes answer 501)
 * @param tasksDir where task directories live, or null when unknown (logs routes answer 501)
 * @param nodeLogs calls other nodes for the logs of their tasks (managers), or null: only this node's tasks are shown
 * @param nodeImages sends image archives to other nodes (managers: {@code image load --node}), or null: this node only
 * @param registries how this node talks to registries (pulls, logins), or null for {@link RegistryConfig#defaults()}
 * @param containers this node's tasks as containers ({@code docker ps} on the node), or null: only the refusals
 * @param events     the swarm events this manager turns its store changes into ({@code GET /events}), or null: 501
 */
public record ApiServices(ImageStore images, Path tasksDir, NodeLogsClient nodeLogs, NodeImagesClient nodeImages,
                          RegistryConfig registries, NodeContainers containers, EventLog events) {
    public ApiServices {
        if (registries == null) {
            registries = RegistryConfig.defaults();
        }
    }

    /** This node's image store and task output only; the other parts are added with the withers below. */
    public static ApiServices local(ImageStore images, Path tasksDir) {
        return new ApiServices(images, tasksDir, null, null, null, null, null);
    }

    public ApiServices withNodeLogs(NodeLogsClient client) {
        return new ApiServices(images, tasksDir, client, nodeImages, registries, containers, events);
    }

    public ApiServices withNodeImages(NodeImagesClient client) {
        return new ApiServices(images, tasksDir, nodeLogs, client, registries, containers, events);
    }

    public ApiServices withRegistries(RegistryConfig config) {
        return new ApiServices(images, tasksDir, nodeLogs, nodeImages, config, containers, events);
    }

    public ApiServices withContainers(NodeContainers nodeContainers) {
        return new ApiServices(images, tasksDir, nodeLogs, nodeImages, registries, nodeContainers, events);
    }

    public ApiServices withEvents(EventLog eventLog) {
        return new ApiServices(images, tasksDir, nodeLogs, nodeImages, registries, containers, eventLog);
    }

    public Optional<EventLog> eventLog() {
        return Optional.ofNullable(events);
    }

    public Optional<NodeImagesClient> nodeImagesClient() {
        return Optional.ofNullable(nodeImages);
    }

    public static ApiServices none() {
        return local(null, null);
    }

    public Optional<NodeLogsClient> nodeLogsClient() {
        return Optional.ofNullable(nodeLogs);
    }

    public Optional<ImageStore> imageStore() {
        return Optional.ofNullable(images);
    }

    public Optional<Path> taskDirectories() {
        return Optional.ofNullable(tasksDir);
    }

    /** Where large request bodies (image uploads) are spooled: the image store's staging dir, else the JVM's temp dir. */
    public Path spoolDir() {
        return images != null ? images.root().resolve("tmp") : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
