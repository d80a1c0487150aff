package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.api.json.DockerJson;

/**
 * The answer to a request that changes which API serves this node (swarm init, join, leave):
 * the body is sent, the connection closed (so the client's next request opens a new one, to the
 * new API), and only then {@code afterAnswer} runs, on its own thread: it closes the API whose
 * threads are sending this answer.
 */
final class AnswerThenSwitch {
    private AnswerThenSwitch() {}

    static ApiResponse json(HttpResponseStatus status, JsonNode body, Runnable afterAnswer) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : DockerJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
        return ApiResponse.streaming(status, body == null ? null : ApiResponse.JSON, (channel, keepAlive) -> {
            if (bytes.length > 0) { // an empty chunk would end the chunked body early
                channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
            }
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            channel.closeFuture().addListener(f -> {
                Thread t = new Thread(afterAnswer, "orch-swarm-switch");
                t.setDaemon(false); // the switch (a leave's clean-up) must finish even while the process stops
                t.start();
            });
        });
    }
}
