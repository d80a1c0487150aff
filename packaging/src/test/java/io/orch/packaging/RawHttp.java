package io.orch.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** HTTP/1.1 by hand, for requests no well-behaved client library sends. */
final class RawHttp {
    private RawHttp() {
    }

    /** A connection from {@code sourceAddress} (any 127.x.y.z on Linux) to the API. */
    static Socket connect(String sourceAddress, int apiPort) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(sourceAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", apiPort), 5_000);
        return s;
    }

    /**
     * True when the server has closed the connection (end of stream or reset), after whatever it
     * answered first; false when it is open and silent. Waits at most 1 ms for each read.
     */
    static boolean closedByServer(Socket s) {
        byte[] buffer = new byte[4096];
        try {
            s.setSoTimeout(1);
            while (true) {
                if (s.getInputStream().read(buffer) == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Sends a request whose body of {@code bodyBytes} zeros is written from another thread (as a
     * client that writes before it reads), and returns the status line the server answers with.
     */
    static String statusOfHugeBody(int apiPort, String path, long bodyBytes) throws Exception {
        try (Socket s = connect("127.0.0.1", apiPort)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1.47" + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + apiPort
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < bodyBytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bodyBytes - sent));
                    }
                } catch (IOException e) {
                    // the server stopped reading after its answer: expected for a refused body
                }
            });
            String status = readLine(s.getInputStream());
            writer.join();
            return status;
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
