package io.orch.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Docker-style id of a task's container: 64 lower-case hex characters, as {@code docker ps}
 * and {@code docker inspect} expect (they shorten it to 12). A runtime whose own id already has
 * that shape (the docker runtime's) keeps it; the others (runc names its containers
 * {@code orch-<task id>}) get the SHA-256 of the task id, so any node computes the same id from
 * the task alone and the id is stable across agent restarts.
 */
public final class ContainerIds {
    private ContainerIds() {}

    /** The id reported for a task: the runtime's own when it is Docker-shaped, else derived from the task id. */
    public static String of(String taskId, String runtimeContainerId) {
        if (isDockerShaped(runtimeContainerId)) {
            return runtimeContainerId;
        }
        return derived(taskId);
    }

    /** SHA-256 of the task id in hex. */
    public static String derived(String taskId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(taskId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static boolean isDockerShaped(String id) {
        return id != null && id.length() == 64 && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
