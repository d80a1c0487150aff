package io.orch.runtime.image.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A free loopback port in this suite's range (21600-21699), so parallel suites never collide. */
public final class TestPorts {
    private static final int FIRST = 21600;
    private static final int LAST = 21699;

    private TestPorts() {}

    public static int free() {
        for (int p = FIRST; p <= LAST; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return p;
            } catch (IOException inUse) {
                // next
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }
}
