package io.orch.packaging.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Hands out blocks of {@value #BLOCK} ports, one block per agent, from a fixed range (each test
 * class and benchmark owns its own range, so runs side by side do not collide). Within a block:
 * listen P, gossip P+1 (UDP, and TCP for push-pull), raft P+2 (the agent derives it), API P+3.
 */
final class PortBlocks {
    static final int BLOCK = 10;
    private final int limit;
    private final boolean checkFree;
    private int next;

    /** @param checkFree false inside fresh network namespaces, where every port is free */
    PortBlocks(int first, int limit, boolean checkFree) {
        this.next = first;
        this.limit = limit;
        this.checkFree = checkFree;
    }

    /** The listen port P of the next free block. */
    synchronized int next() {
        while (next + BLOCK <= limit) {
            int p = next;
            next += BLOCK;
            if (!checkFree || free(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free block of " + BLOCK + " ports left below " + limit);
    }

    private static boolean free(int p) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int port = p; port <= p + 3; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(lo, port));
            } catch (IOException e) {
                return false;
            }
        }
        try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(lo, p + 1))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int gossip(int listen) {
        return listen + 1;
    }

    static int raft(int listen) {
        return listen + 2;
    }

    static int api(int listen) {
        return listen + 3;
    }
}
