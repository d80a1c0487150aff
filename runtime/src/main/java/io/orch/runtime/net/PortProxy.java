package io.orch.runtime.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The userland proxy of one container's host-mode published ports, run as its own small
 * process (see {@link PortProxyProcess}) so it keeps forwarding while the agent is down or
 * restarting, like the container itself. It binds every published port on all of the host's
 * addresses first (so a port conflict fails the task before its container starts), reports
 * the bound ports in the ready file, then relays: TCP with a pair of pumps per connection
 * (half-close passed on), UDP with one upstream socket per client address that expires when
 * idle. It exits when the container's supervisor records the exit ({@code --until} file), or
 * on SIGTERM from the runtime. JDK only: it must start fast and small.
 *
 * <p>Usage: {@code PortProxy --ready FILE --until FILE (tcp|udp):PUBLISHED:IP:TARGET...}
 */
public final class PortProxy {
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int UDP_IDLE_MILLIS = 60_000;
    private static final int BUFFER = 16 * 1024;

    /** One forward: host port {@code published} (0: any) to {@code ip:target}. */
    record Forward(String protocol, int published, String ip, int target) {
        static Forward parse(String s) {
            String[] f = s.split(":");
            if (f.length != 4 || !(f[0].equals("tcp") || f[0].equals("udp"))) {
                throw new IllegalArgumentException("bad forward " + s + " (want tcp|udp:PUBLISHED:IP:TARGET)");
            }
            return new Forward(f[0], Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]));
        }

        String arg() {
            return protocol + ":" + published + ":" + ip + ":" + target;
        }
    }

    private PortProxy() {}

    public static void main(String[] args) throws Exception {
        Path ready = null;
        Path until = null;
        List<Forward> forwards = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ready" -> ready = Path.of(args[++i]);
                case "--until" -> until = Path.of(args[++i]);
                default -> forwards.add(Forward.parse(args[i]));
            }
        }
        if (ready == null || until == null || forwards.isEmpty()) {
            System.err.println("usage: PortProxy --ready FILE --until FILE (tcp|udp):PUBLISHED:IP:TARGET...");
            System.exit(2);
        }
        List<Runnable> loops = new ArrayList<>();
        StringBuilder bound = new StringBuilder("ok\n");
        for (Forward f : forwards) {
            try {
                if (f.protocol().equals("tcp")) {
                    ServerSocket server = new ServerSocket();
                    server.setReuseAddress(true);
                    server.bind(new InetSocketAddress(f.published()), 128);
                    bound.append("tcp ").append(server.getLocalPort()).append(' ').append(f.target()).append('\n');
                    InetSocketAddress upstream = new InetSocketAddress(f.ip(), f.target());
                    loops.add(() -> acceptLoop(server, upstream));
                } else {
                    DatagramSocket socket = new DatagramSocket(null);
                    socket.bind(new InetSocketAddress(f.published()));
                    bound.append("udp ").append(socket.getLocalPort()).append(' ').append(f.target()).append('\n');
                    InetSocketAddress upstream = new InetSocketAddress(f.ip(), f.target());
                    loops.add(() -> udpLoop(socket, upstream));
                }
            } catch (IOException e) {
                String why = e instanceof BindException ? "already in use" : e.getMessage();
                writeAtomically(ready, "error host port " + f.published() + "/" + f.protocol() + " " + why + "\n");
                System.exit(1);
            }
        }
        for (Runnable loop : loops) {
            Thread t = new Thread(loop, "proxy-listener");
            t.setDaemon(true);
            t.start();
        }
        writeAtomically(ready, bound.toString());
        // Ends when the container has ended (its supervisor wrote the exit code).
        while (!Files.exists(until)) {
            Thread.sleep(500);
        }
        System.exit(0);
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void acceptLoop(ServerSocket server, InetSocketAddress upstream) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                start(() -> relay(client, upstream));
            } catch (IOException e) {
                System.err.println("accept on " + server.getLocalPort() + ": " + e);
            }
        }
    }

    private static void relay(Socket client, InetSocketAddress upstream) {
        Socket backend = new Socket();
        try {
            backend.connect(upstream, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(backend);
            return; // the container does not listen (yet): the client sees the connection close
        }
        Thread back = start(() -> pump(backend, client));
        pump(client, backend);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(client);
        closeQuietly(backend);
    }

    /** Copies until EOF, then half-closes the other side so request/response protocols finish. */
    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void udpLoop(DatagramSocket socket, InetSocketAddress upstream) {
        Map<SocketAddress, DatagramSocket> flows = new ConcurrentHashMap<>();
        byte[] buf = new byte[65_535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                SocketAddress client = p.getSocketAddress();
                DatagramSocket flow = flows.get(client);
                if (flow == null) {
                    DatagramSocket created = new DatagramSocket();
                    created.connect(upstream);
                    created.setSoTimeout(UDP_IDLE_MILLIS);
                    flows.put(client, created);
                    start(() -> udpReplies(created, socket, client, flows));
                    flow = created;
                }
                flow.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength()));
            } catch (IOException e) {
                System.err.println("udp on " + socket.getLocalPort() + ": " + e);
            }
        }
    }

    /** Sends the container's replies of one flow back to its client until the flow is idle. */
    private static void udpReplies(DatagramSocket flow, DatagramSocket listener, SocketAddress client,
                                   Map<SocketAddress, DatagramSocket> flows) {
        byte[] buf = new byte[65_535];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                flow.receive(p);
                listener.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), client));
            }
        } catch (SocketTimeoutException e) {
            // idle: forget the flow; a new datagram from the client opens a new one
        } catch (IOException e) {
            // the container refused (ICMP unreachable) or the socket closed
        } finally {
            flows.remove(client, flow);
            flow.close();
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "proxy-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
