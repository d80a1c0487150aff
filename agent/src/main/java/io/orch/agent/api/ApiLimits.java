package io.orch.agent.api;

import java.time.Duration;

/**
 * What one API connection may send or hold, in one place: the pipeline ({@link ApiInitializer})
 * applies them. Production uses {@link #DEFAULTS}; tests shrink them to see them act.
 *
 * @param maxBodyBytes the largest request body, image uploads excepted ({@link RequestBodyLimit})
 * @param headTimeout  how long a request head may take from its first byte ({@link ConnectionTimeouts})
 * @param idleTimeout  how long a connection may stay open with no request in flight ({@link ConnectionTimeouts})
 */
public record ApiLimits(int maxBodyBytes, Duration headTimeout, Duration idleTimeout) {
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

    public static final ApiLimits DEFAULTS = new ApiLimits(MAX_BODY_BYTES, HEAD_TIMEOUT, IDLE_TIMEOUT);

    ApiLimits withTimeouts(Duration head, Duration idle) {
        return new ApiLimits(maxBodyBytes, head, idle);
    }
}
