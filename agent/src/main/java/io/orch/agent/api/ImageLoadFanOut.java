package io.orch.agent.api;

import io.orch.api.concurrent.DaemonThreads;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.images.LoadedLines;
import io.orch.agent.images.NodeImagesClient;
import io.orch.agent.logs.NodeRpcAddress;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code orch image load --node NODE|--all-nodes}: one uploaded archive loaded on several nodes.
 * This node loads it from the spooled file; every other node is sent the file over the node RPC
 * ({@link NodeImagesClient}, streamed). At most {@link #MAX_TRANSFERS} transfers run at once
 * across all requests (each holds a connection and disk bandwidth on both sides). Each node's
 * outcome is one line; the node's image inventory then reaches the managers through its own
 * {@code ImageInventoryWatch}, so the scheduler places tasks there.
 */
final class ImageLoadFanOut {
    static final int MAX_TRANSFERS = 2;
    private static final ExecutorService TRANSFERS = Executors.newFixedThreadPool(MAX_TRANSFERS, DaemonThreads.factory("orch-image-transfer"));

    /** One node's outcome: the lines docker load prints, or why it failed. */
    record Outcome(String node, List<String> loaded, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private final ClusterStore store;
    private final String selfId;
    private final ImageStore localImages;
    private final Optional<NodeImagesClient> client;

    ImageLoadFanOut(ClusterStore store, String selfId, ImageStore localImages, Optional<NodeImagesClient> client) {
        this.store = store;
        this.selfId = selfId;
        this.localImages = localImages;
        this.client = client;
    }

    /**
     * The nodes an archive goes to: those named (id, name or hostname; 404 for an unknown one), or
     * with {@code allNodes} every node that is not down. Keyed by node id, in the order given.
     */
    Map<String, Node> targets(List<String> names, boolean allNodes) throws ApiException {
        if (allNodes && !names.isEmpty()) {
            throw ApiException.badRequest("node: give either node names or allNodes, not both");
        }
        return StoreReads.read(store, tx -> {
            Map<String, Node> out = new LinkedHashMap<>();
            if (allNodes) {
                for (Node n : tx.nodes()) {
                    if (n.getStatus().getState() != NodeStatus.State.DOWN) {
                        out.put(n.getId(), n);
                    }
                }
                return out;
            }
            for (String name : names) {
                Node n = ObjectResolver.node(tx, name);
                out.put(n.getId(), n);
            }
            return out;
        });
    }

    /** Loads {@code archive} on each target; never throws for one node's failure (its outcome says it). */
    List<Outcome> load(Map<String, Node> targets, Path archive) throws ApiException {
        Map<String, Future<Outcome>> running = new LinkedHashMap<>();
        for (Node n : targets.values()) {
            running.put(n.getId(), TRANSFERS.submit(() -> loadOn(n, archive)));
        }
        List<Outcome> out = new ArrayList<>();
        for (Map.Entry<String, Future<Outcome>> e : running.entrySet()) {
            try {
                out.add(e.getValue().get());
            } catch (InterruptedException ie) {
                running.values().forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "interrupted while sending the image to nodes");
            } catch (ExecutionException ee) {
                out.add(new Outcome(label(targets.get(e.getKey())), List.of(), String.valueOf(ee.getCause())));
            }
        }
        return out;
    }

    private Outcome loadOn(Node node, Path archive) {
        String label = label(node);
        try {
            if (node.getId().equals(selfId)) {
                return new Outcome(label, LoadedLines.of(localImages.load(archive)), null);
            }
            Optional<String> address = NodeRpcAddress.of(node);
            if (address.isEmpty()) {
                return new Outcome(label, List.of(), "the node has not told the managers its RPC address yet");
            }
            if (client.isEmpty()) {
                return new Outcome(label, List.of(), "this node cannot reach other nodes' image stores");
            }
            return new Outcome(label, client.get().load(address.get(), archive), null);
        } catch (ImageException | NodeImagesClient.LoadFailedException e) {
            return new Outcome(label, List.of(), e.getMessage());
        } catch (IOException e) {
            return new Outcome(label, List.of(), "sending the image failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(label, List.of(), "interrupted");
        } catch (RuntimeException e) {
            // a gRPC failure to connect surfaces as a StatusRuntimeException from the stub
            return new Outcome(label, List.of(), "cannot reach the node: " + e.getMessage());
        }
    }

    /** What the report calls a node: its hostname, else its id. */
    private static String label(Node n) {
        String host = n.getDescription().getHostname();
        return host.isEmpty() ? n.getId() : host;
    }
}
