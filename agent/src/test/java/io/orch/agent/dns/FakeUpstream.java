package io.orch.agent.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resolver on 127.0.0.1 (UDP and TCP, same port) that answers every question with one
 * address, or, when {@code silent}, receives and never answers.
 */
final class FakeUpstream implements AutoCloseable {
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final String address;
    private final boolean silent;
    /** "udp"/"tcp" plus the id each query arrived with. */
    final List<String> received = new CopyOnWriteArrayList<>();

    FakeUpstream(String address, boolean silent) throws IOException {
        this.address = address;
        this.silent = silent;
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                t = new ServerSocket(u.getLocalPort(), 50, InetAddress.getLoopbackAddress());
            } catch (BindException taken) {
                u.close();
                if (attempt == 20) {
                    throw taken;
                }
            }
        }
        this.udp = u;
        this.tcp = t;
        start(this::serveUdp, "fake-upstream-udp");
        start(this::serveTcp, "fake-upstream-tcp");
    }

    private static void start(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] query = Arrays.copyOf(p.getData(), p.getLength());
                received.add("udp " + UpstreamForwarder.idOf(query));
                if (!silent) {
                    byte[] answer = DnsMessages.upstreamAnswer(query, address);
                    udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                received.add("tcp " + UpstreamForwarder.idOf(query));
                if (!silent) {
                    byte[] answer = DnsMessages.upstreamAnswer(query, address);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeShort(answer.length);
                    out.write(answer);
                    out.flush();
                    in.read(); // until the client closes
                }
            } catch (SocketException closed) {
                if (tcp.isClosed()) {
                    return;
                }
            } catch (IOException e) {
                // one bad connection; keep serving
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
