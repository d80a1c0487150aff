package io.orch.agent.api;

import io.netty.channel.Channel;

/**
 * A response body produced over time (logs, {@code follow=1}): {@link ApiHandler} sends the head
 * with {@code Transfer-Encoding: chunked}, then hands the channel over. The stream writes
 * {@code HttpContent} chunks and finishes with a {@code LastHttpContent}; when {@code keepAlive}
 * is false it closes the channel after that. It must never block the caller for long.
 */
@FunctionalInterface
public interface ResponseStream {
    void start(Channel channel, boolean keepAlive);
}
