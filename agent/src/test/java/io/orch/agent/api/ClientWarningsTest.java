package io.orch.agent.api;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientWarningsTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private final ClientWarnings warnings = new ClientWarnings(Duration.ofMinutes(1), now::get, lines::add);

    @Test
    void oneLinePerClientPerPeriod() throws Exception {
        InetAddress page = InetAddress.getByName("127.0.0.1");
        InetAddress other = InetAddress.getByName("10.0.0.7");
        for (int i = 0; i < 1_000; i++) {
            warnings.warn(page, () -> "from the page");
        }
        warnings.warn(other, () -> "from the other");
        warnings.warn(ClientWarnings.UNIX_SOCKET, () -> "from the socket");
        assertEquals(List.of("from the page", "from the other", "from the socket"), lines);

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        warnings.warn(page, () -> "still throttled");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        warnings.warn(page, () -> "a minute later");
        assertEquals(List.of("from the page", "from the other", "from the socket", "a minute later"), lines);
    }

    @Test
    void aThrottledLineIsNeverBuilt() throws Exception {
        InetAddress page = InetAddress.getByName("127.0.0.1");
        warnings.warn(page, () -> "first");
        warnings.warn(page, () -> {
            throw new AssertionError("built although throttled");
        });
        assertEquals(List.of("first"), lines);
    }
}
