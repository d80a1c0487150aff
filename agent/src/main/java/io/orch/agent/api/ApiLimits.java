package io.orch.agent.api;

import java.time.Duration;

/**
 * What one API connection may send or hold, in one place: the pipeline ({@link ApiInitializer})
 * applies them. Production uses {@link #DEFAULTS}; tests shrink them to see them act.
 *
 * @param maxBodyBytes the largest request body, image uploads excepted ({@link RequestBodyLimit})
 * @param headTimeout  how long a request head may take from its first byte ({@link ConnectionTimeouts})
 * @param idleTimeout  how long a connection may stay open with no request in flight ({@link ConnectionTimeouts})
 * @param maxConnectionsPerAddress the most connections one remote IP address may hold on TCP ({@link ConnectionCaps})
 * @param maxUnixConnections       the most connections the unix socket may hold, all clients together
 */
public record ApiLimits(int maxBodyBytes, Duration headTimeout, Duration idleTimeout,
                        int maxConnectionsPerAddress, int maxUnixConnections) {
    /**
     * Service specs are small; 16 MiB leaves room for large stack deploys and refuses abuse. Image
     * uploads are the exception: spooled to disk under {@link UploadSpooler#MAX_UPLOAD_BYTES}.
     */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /**
     * A local client writes a head in one go; 10 s is generous for it, while a slowloris client
     * (a header byte every few seconds) cannot hold a connection with an unfinished head.
     */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Each open connection costs the agent a file descriptor; a client between requests may keep
     * its connection this long (the docker CLI reconnects at will), never a request in progress.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

    /**
     * The docker CLI opens a few connections per command, tools that drive the API concurrently a
     * few dozen; 256 leaves them room while no client can hold thousands of descriptors. The TCP
     * listener is loopback only, so local clients all come from 127.0.0.1 (or ::1) and share this.
     */
    public static final int MAX_CONNECTIONS_PER_ADDRESS = 256;
    /**
     * Unix socket peers cannot be told apart by address: one cap for them all, far below the
     * descriptors the agent needs for Raft, gossip, its tasks and their logs.
     */
    public static final int MAX_UNIX_CONNECTIONS = 1024;

    public static final ApiLimits DEFAULTS = new ApiLimits(MAX_BODY_BYTES, HEAD_TIMEOUT, IDLE_TIMEOUT,
            MAX_CONNECTIONS_PER_ADDRESS, MAX_UNIX_CONNECTIONS);

    ApiLimits withTimeouts(Duration head, Duration idle) {
        return new ApiLimits(maxBodyBytes, head, idle, maxConnectionsPerAddress, maxUnixConnections);
    }

    ApiLimits withConnectionCaps(int perAddress, int unix) {
        return new ApiLimits(maxBodyBytes, headTimeout, idleTimeout, perAddress, unix);
    }
}
