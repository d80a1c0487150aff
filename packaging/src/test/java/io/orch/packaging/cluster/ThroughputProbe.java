package io.orch.packaging.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP throughput probe for {@code bench/run network}, run by the host's JVM inside a network
 * namespace (nsenter --net): {@code server PORT} accepts connections and discards what they send
 * (one at a time, until killed); {@code client HOST PORT SECONDS} sends 64 KiB writes for that
 * long and prints the megabytes per second the server took in; {@code rps HOST PORT PATH SECONDS}
 * sends HTTP/1.0 GETs one after another, each on a new connection, for that long and prints the
 * requests per second answered with status 200.
 */
public final class ThroughputProbe {
    private ThroughputProbe() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("server")) {
            serve(Integer.parseInt(args[1]));
        } else if (args.length == 4 && args[0].equals("client")) {
            double mbps = send(args[1], Integer.parseInt(args[2]), Double.parseDouble(args[3]));
            System.out.printf("%.1f%n", mbps);
        } else if (args.length == 5 && args[0].equals("rps")) {
            System.out.printf("%.1f%n", requests(args[1], Integer.parseInt(args[2]), args[3], Double.parseDouble(args[4])));
        } else {
            System.err.println("usage: ThroughputProbe server PORT | client HOST PORT SECONDS | rps HOST PORT PATH SECONDS");
            System.exit(2);
        }
    }

    private static void serve(int port) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            System.out.println("listening");
            System.out.flush();
            byte[] buffer = new byte[1 << 16];
            while (true) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    while (in.read(buffer) >= 0) {
                        // discard
                    }
                }
            }
        }
    }

    private static double send(String host, int port, double seconds) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long bytes = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5_000);
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                out.write(buffer);
                bytes += buffer.length;
            }
            out.flush();
            s.shutdownOutput();
            // the server's close says everything sent was read
            s.getInputStream().read();
            return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double requests(String host, int port, String path, double seconds) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] buffer = new byte[1 << 14];
        long ok = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 5_000);
                s.setSoTimeout(5_000);
                s.getOutputStream().write(request);
                InputStream in = s.getInputStream();
                int n = in.read(buffer);
                boolean status200 = n > 12 && new String(buffer, 0, 12, java.nio.charset.StandardCharsets.US_ASCII).endsWith(" 200");
                while (n >= 0) {
                    n = in.read(buffer); // the whole answer, as a client would
                }
                if (status200) {
                    ok++;
                }
            }
        }
        return ok / ((System.nanoTime() - start) / 1e9);
    }
}
