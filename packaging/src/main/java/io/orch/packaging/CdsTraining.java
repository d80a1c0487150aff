package io.orch.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The representative CLI run the CLI's AppCDS archive is made from (bin/orch with ORCH_CDS_TRAIN
 * set runs it under -XX:DumpLoadedClassList, then archives those classes): top-level help and the list
 * commands, against a loopback server that answers every request with an empty JSON list, so
 * the HTTP client, the JSON reader and the table renderers are loaded as a real `service ls`
 * loads them. Output goes nowhere; nothing outside this process is touched.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> answerEmptyLists(server), "cds-training-api");
            responder.setDaemon(true);
            responder.start();
            String host = "tcp://127.0.0.1:" + server.getLocalPort();
            run("--help");
            run("-H", host, "service", "ls");
            run("-H", host, "node", "ls");
            run("-H", host, "service", "ps", "none");
        }
        System.exit(0);
    }

    private static void run(String... args) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        CliLauncher.commandLine(nowhere, nowhere, args).execute(args);
    }

    private static void answerEmptyLists(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // headers: the request has no body (GETs only)
                }
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Connection: close\r\n\r\n[]").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server closed at the end of training, or a client gave up: nothing to answer
            }
        }
    }
}
