package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.agent.events.ClusterEvent;
import io.orch.agent.events.EventFilter;
import io.orch.agent.events.EventLog;
import io.orch.api.json.DockerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The body of one {@code GET /events}: one JSON object and a newline per event (as Docker's
 * json.Encoder writes them), each flushed as it comes. The buffered events the request's
 * {@code since}/{@code until} select come first; then new ones until {@code until} (a timer on the
 * channel's event loop), or until the client closes when there is none; an {@code until} already
 * past ends the body after the buffered events, as Docker does.
 *
 * <p>{@link #open} subscribes before the response head is written, so a client that has the head
 * gets every event of a change it makes after. No thread waits for a client: the event log's
 * publisher only queues an event here and asks the channel's event loop to write; the loop writes
 * while the channel is writable and resumes when the last write has gone out. The queue is
 * bounded ({@link #MAX_QUEUED} events, {@link #MAX_QUEUED_BYTES} bytes): a client that reads too
 * slowly for it is dropped (the connection closed) with one log line, so it cannot make the
 * manager hold events without end.
 */
final class EventStream implements ResponseStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /** Room for every buffered event and then some: a request for the whole buffer never overflows at once. */
    static final int MAX_QUEUED = EventLog.MAX_EVENTS + 256;
    static final long MAX_QUEUED_BYTES = EventLog.MAX_BYTES + 1024 * 1024;

    private final Instant until;
    private final long untilNanos;
    private final boolean onlyPast;
    private final Instant openedAt;
    private final int maxQueued;
    // the queue and the state below under this object's lock; writes on the channel's event loop
    private final ArrayDeque<ClusterEvent> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Channel channel;
    private boolean keepAlive;
    private boolean drainScheduled;
    private boolean ending;
    private boolean stopped;
    private boolean dropped;
    private ChannelFuture lastWrite;
    private volatile EventLog.Subscription subscription; // null while the buffered events are handed over

    private EventStream(EventLog log, EventFilter filter, Instant since, Instant until, Clock clock, int maxQueued) {
        this.until = until;
        this.untilNanos = until == null ? Long.MAX_VALUE : EventLog.nanos(until);
        this.openedAt = clock.instant();
        this.onlyPast = until != null && until.isBefore(openedAt);
        this.maxQueued = maxQueued;
        this.subscription = log.subscribe(filter, since, until, !onlyPast, this::offer);
        if (isDropped()) {
            subscription.close(); // the buffered events alone overflowed the queue
        }
    }

    private synchronized boolean isDropped() {
        return dropped;
    }

    /** Subscribes now; the events wait here until {@link #start} has the channel. */
    static EventStream open(EventLog log, EventFilter filter, Instant since, Instant until, Clock clock) {
        return open(log, filter, since, until, clock, MAX_QUEUED);
    }

    static EventStream open(EventLog log, EventFilter filter, Instant since, Instant until, Clock clock, int maxQueued) {
        return new EventStream(log, filter, since, until, clock, maxQueued);
    }

    @Override
    public void start(Channel channel, boolean keepAlive) {
        boolean droppedEarly;
        synchronized (this) {
            this.channel = channel;
            this.keepAlive = keepAlive;
            droppedEarly = dropped;
        }
        if (droppedEarly) {
            channel.close(); // overflowed before the head went out
            return;
        }
        channel.closeFuture().addListener(f -> stop());
        if (onlyPast) {
            endWhenDrained();
        } else if (until != null) {
            long delay = Math.max(0, Duration.between(openedAt, until).toNanos());
            channel.eventLoop().schedule(this::endWhenDrained, delay, TimeUnit.NANOSECONDS);
        }
        scheduleDrain();
    }

    /** From the publishing thread (or the opening one, for the buffered events): queue, never wait. */
    private void offer(ClusterEvent e) {
        Channel toClose = null;
        boolean droppedNow = false;
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (queue.size() >= maxQueued || queuedBytes + e.estimatedBytes() > MAX_QUEUED_BYTES) {
                stopped = true;
                dropped = true;
                droppedNow = true;
                queue.clear();
                queuedBytes = 0;
                toClose = channel;
                LOG.warn("events client {} dropped: it read too slowly and {} events were waiting for it",
                        channel == null ? "(not started)" : channel.remoteAddress(), maxQueued);
            } else {
                queue.addLast(e);
                queuedBytes += e.estimatedBytes();
            }
        }
        if (droppedNow) {
            closeSubscription(); // at once: the publisher must not keep queueing for it
            if (toClose != null) {
                toClose.eventLoop().execute(toClose::close);
            }
            return;
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        Channel c;
        synchronized (this) {
            if (drainScheduled || stopped || channel == null) {
                return;
            }
            drainScheduled = true;
            c = channel;
        }
        c.eventLoop().execute(this::drain);
    }

    private void endWhenDrained() {
        synchronized (this) {
            ending = true;
        }
        closeSubscription(); // nothing after until is wanted
        scheduleDrain();
    }

    /** On the event loop: write while the channel takes it; end the body once asked to and empty. */
    private void drain() {
        while (true) {
            ClusterEvent next;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                if (!channel.isActive()) {
                    drainScheduled = false;
                    return;
                }
                if (!channel.isWritable()) {
                    resumeLater();
                    return;
                }
                next = queue.pollFirst();
                if (next == null) {
                    drainScheduled = false;
                    if (ending) {
                        stopped = true;
                        end();
                    }
                    return;
                }
                queuedBytes -= next.estimatedBytes();
            }
            if (next.timeNano() <= untilNanos) {
                lastWrite = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(line(next))));
            }
        }
    }

    /** The channel's buffer is full: go on once the last write has left it (or shortly, if none is pending). */
    private void resumeLater() {
        ChannelFuture pending = lastWrite;
        if (pending != null && !pending.isDone()) {
            pending.addListener(f -> channel.eventLoop().execute(this::drain));
        } else {
            channel.eventLoop().schedule(this::drain, 10, TimeUnit.MILLISECONDS);
        }
    }

    private void end() {
        closeSubscription();
        ChannelFuture done = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void stop() {
        synchronized (this) {
            stopped = true;
            queue.clear();
            queuedBytes = 0;
        }
        closeSubscription();
    }

    private void closeSubscription() {
        EventLog.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    static byte[] line(ClusterEvent e) {
        try {
            byte[] json = DockerJson.MAPPER.writeValueAsBytes(e.toJson());
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise an event", ex);
        }
    }
}
