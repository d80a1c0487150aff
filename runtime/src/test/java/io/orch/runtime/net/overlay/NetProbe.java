package io.orch.runtime.net.overlay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TCP listener and client for the tests, run as a JVM inside a network namespace through
 * nsenter (this machine has neither ping nor nc, and a thread of the test JVM cannot enter a
 * namespace). {@code listen ADDR:PORT=REPLY...} answers each connection with REPLY and a newline
 * until its stdin closes; {@code connect ADDR PORT TIMEOUT_MS COUNT} prints one reply (or
 * "ERR ...") per connection.
 */
public final class NetProbe {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("listen")) {
            for (int i = 1; i < args.length; i++) {
                if (args[i].startsWith("udp:")) {
                    udpEcho(args[i].substring(4));
                    continue;
                }
                String[] hostPort = args[i].substring(0, args[i].indexOf('=')).split(":");
                byte[] reply = (args[i].substring(args[i].indexOf('=') + 1) + "\n").getBytes(StandardCharsets.UTF_8);
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1])));
                Thread t = new Thread(() -> {
                    while (true) {
                        try (Socket s = server.accept()) {
                            s.getOutputStream().write(reply);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin (or dies)
            }
            System.exit(0);
        }
        if (args[0].equals("connect-udp")) {
            udpAsk(args);
            return;
        }
        InetAddress host = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        int timeout = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), timeout);
                s.setSoTimeout(timeout);
                System.out.println(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine());
            } catch (Exception e) {
                System.out.println("ERR " + e);
            }
        }
    }

    /** A UDP listener answering every datagram with REPLY (spec ADDR:PORT=REPLY). */
    private static void udpEcho(String spec) throws Exception {
        String[] hostPort = spec.substring(0, spec.indexOf('=')).split(":");
        byte[] reply = spec.substring(spec.indexOf('=') + 1).getBytes(StandardCharsets.UTF_8);
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1])));
        Thread t = new Thread(() -> {
            byte[] buf = new byte[512];
            while (true) {
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    socket.receive(in);
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** connect-udp ADDR PORT TIMEOUT_MS COUNT: one datagram from a new socket (a new flow) each, one reply or "ERR ..." line each. */
    private static void udpAsk(String[] args) throws Exception {
        InetAddress host = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        int timeout = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        for (int i = 0; i < count; i++) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(host, port);
                s.setSoTimeout(timeout);
                byte[] ask = "?".getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(ask, ask.length));
                DatagramPacket in = new DatagramPacket(new byte[512], 512);
                s.receive(in);
                System.out.println(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
            } catch (Exception e) {
                System.out.println("ERR " + e);
            }
        }
    }

    /** Launching the probe from a test. */
    static final class Launcher {
        private final List<Process> listeners = new ArrayList<>();

        private static List<String> command(String netns, String... args) throws Exception {
            List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", Path.of(NetProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                    NetProbe.class.getName()));
            argv.addAll(List.of(args));
            return argv;
        }

        /** Starts listeners ("ADDR:PORT=REPLY") in the namespace and waits until they accept. */
        void listen(String netns, String... specs) throws Exception {
            List<String> args = new ArrayList<>(List.of("listen"));
            args.addAll(List.of(specs));
            Process p = new ProcessBuilder(command(netns, args.toArray(String[]::new))).redirectErrorStream(true).start();
            listeners.add(p);
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(line)) {
                throw new IllegalStateException("probe listener in " + netns + " did not start: " + line);
            }
        }

        /** One line per connection: the reply, or "ERR ..." */
        List<String> connect(String netns, String address, int port, int timeoutMillis, int count) throws Exception {
            return ask(netns, "connect", address, port, timeoutMillis, count);
        }

        /** One line per datagram, each from a socket of its own: the reply, or "ERR ..." */
        List<String> askUdp(String netns, String address, int port, int timeoutMillis, int count) throws Exception {
            return ask(netns, "connect-udp", address, port, timeoutMillis, count);
        }

        private List<String> ask(String netns, String mode, String address, int port, int timeoutMillis, int count) throws Exception {
            Process p = new ProcessBuilder(command(netns, mode, address, Integer.toString(port),
                    Integer.toString(timeoutMillis), Integer.toString(count))).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out.lines().toList();
        }

        void stopAll() throws Exception {
            for (Process p : listeners) {
                try (OutputStream in = p.getOutputStream()) {
                    // closing stdin ends it
                } catch (Exception e) {
                    // already gone
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            listeners.clear();
        }
    }
}
