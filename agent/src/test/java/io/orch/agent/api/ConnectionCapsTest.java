package io.orch.agent.api;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Open connections counted per client address (all together on the unix socket), refusals logged once a minute. */
class ConnectionCapsTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> warnings = new ArrayList<>();
    private final ConnectionCaps caps = new ConnectionCaps(3, 2, now::get, warnings::add);

    /** A connection from {@code ip}, or from the unix socket when null. */
    private static Channel from(String ip) {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return ip == null ? super.remoteAddress0() : new InetSocketAddress(ip, 40000);
            }
        };
    }

    @Test
    void eachAddressMayHoldItsCapAndGetsASlotBackWhenOneCloses() {
        List<Channel> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Channel ch = from("127.0.0.1");
            assertTrue(caps.admit(ch));
            first.add(ch);
        }
        assertFalse(caps.admit(from("127.0.0.1")));
        assertTrue(caps.admit(from("127.0.0.2")), "another address has its own count");
        first.get(0).close();
        assertEquals(2, caps.openFrom(first.get(1)));
        assertTrue(caps.admit(from("127.0.0.1")));
    }

    @Test
    void theUnixSocketHasOneCapForAllItsClients() {
        assertTrue(caps.admit(from(null)));
        assertTrue(caps.admit(from(null)));
        assertFalse(caps.admit(from(null)));
        assertTrue(caps.admit(from("127.0.0.1")), "TCP clients are counted apart");
    }

    @Test
    void aRefusedClientIsLoggedOnceAMinuteAtMost() {
        for (int i = 0; i < 3; i++) {
            caps.admit(from("127.0.0.1"));
        }
        for (int i = 0; i < 5000; i++) {
            assertFalse(caps.admit(from("127.0.0.1")));
        }
        assertEquals(List.of("refused API connections from 127.0.0.1: it holds 3 already, the most allowed"
                + " (closed at once; not logged again for a minute)"), warnings);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        caps.admit(from("127.0.0.1"));
        assertEquals(1, warnings.size());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        caps.admit(from("127.0.0.1"));
        assertEquals(2, warnings.size());

        caps.admit(from(null));
        caps.admit(from(null));
        caps.admit(from(null));
        assertEquals(3, warnings.size(), "another client is logged on its own");
        assertTrue(warnings.get(2).startsWith("refused API connections from the unix socket: it holds 2 already"), warnings.get(2));
    }
}
