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
import java.util.ArrayList;
import java.util.List;

/**
 * The representative CLI run the CLI's AppCDS archive is made from (bin/orch with ORCH_CDS_TRAIN
 * set runs it under -XX:DumpLoadedClassList, then archives those classes): top-level help and the list
 * commands, against a loopback server that answers as an agent with a few services, tasks and
 * nodes would, so the HTTP client, the JSON reader and the table renderers (ports, replicas, the
 * leader's mark) are loaded as a real `service ls` loads them; a class first loaded by a real run
 * comes from its jar instead of the archive. Output goes nowhere; nothing outside this process is
 * touched.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws IOException {
        List<String> failed = train();
        if (!failed.isEmpty()) {
            // the archive is still made, from what did run: a slower CLI, not a broken one
            System.err.println("orch: CDS training: these CLI runs failed, their classes may be missing from the archive: " + failed);
        }
        System.exit(0);
    }

    /** Runs the representative commands; the ones that did not exit 0 (none, unless the CLI changed under this class). */
    static List<String> train() throws IOException {
        CliLauncher.configurePicocli(); // as bin/orch's runs have it
        List<String> failed = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> answerAsAnAgent(server), "cds-training-api");
            responder.setDaemon(true);
            responder.start();
            String host = "tcp://127.0.0.1:" + server.getLocalPort();
            run(failed, "--help");
            run(failed, "-H", host, "service", "ls");
            run(failed, "-H", host, "service", "ls", "-q");
            run(failed, "-H", host, "node", "ls");
            run(failed, "-H", host, "service", "ps", "web");
            run(failed, "service", "ls", "--help"); // a hot command picocli reads (HotCommands)
        }
        return failed;
    }

    private static void run(List<String> failed, String... args) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        if (CliLauncher.run(nowhere, nowhere, args) != 0) {
            failed.add(String.join(" ", args));
        }
    }

    // One object of each shape the renderers meet (with and without ports, replicated and global,
    // manager and worker): a branch taken first by a user's run loads its classes from the jars,
    // which opens them (jackson-databind's ClassUtil for a service without ports cost ~8 ms).
    private static final String MINUTES_AGO = java.time.Instant.now().minusSeconds(754).toString();
    private static final String SERVICE = "{\"ID\":\"x6db9co75o8uwehhus28gao4g\",\"Version\":{\"Index\":12},"
            + "\"Spec\":{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\"},"
            + "\"Placement\":{\"MaxReplicas\":2}},\"Mode\":{\"Replicated\":{\"Replicas\":2}}},"
            + "\"Endpoint\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"ingress\"}]},"
            + "\"ServiceStatus\":{\"RunningTasks\":1,\"DesiredTasks\":2}}";
    private static final String GLOBAL_SERVICE = "{\"ID\":\"g10ba1000000000000000000001\",\"Version\":{\"Index\":13},"
            + "\"Spec\":{\"Name\":\"agent\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},\"Mode\":{\"Global\":{}}},"
            + "\"ServiceStatus\":{\"RunningTasks\":1,\"DesiredTasks\":1}}";
    private static final String TASK = "{\"ID\":\"t4sk0000000000000000000001\",\"ServiceID\":\"x6db9co75o8uwehhus28gao4g\",\"Slot\":1,"
            + "\"NodeID\":\"n0de0000000000000000000001\",\"DesiredState\":\"running\",\"CreatedAt\":\"2026-01-01T00:00:00.000000001Z\","
            + "\"Spec\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\"}},"
            + "\"Status\":{\"State\":\"running\",\"Timestamp\":\"" + MINUTES_AGO + "\",\"Err\":\"\","
            + "\"PortStatus\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"host\"}]}}}";
    private static final String FAILED_TASK = "{\"ID\":\"t4sk0000000000000000000002\",\"ServiceID\":\"x6db9co75o8uwehhus28gao4g\",\"Slot\":2,"
            + "\"DesiredState\":\"shutdown\",\"CreatedAt\":\"2026-01-01T00:00:00Z\",\"Spec\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\"}},"
            + "\"Status\":{\"State\":\"failed\",\"Timestamp\":\"" + MINUTES_AGO + "\",\"Err\":\"exit 1\"}}";
    // a node carries its CA certificate: a long string with escapes (jackson-core grows its text buffer)
    private static final String NODE = "{\"ID\":\"n0de0000000000000000000001\",\"Description\":{\"Hostname\":\"node-1\","
            + "\"TLSInfo\":{\"TrustRoot\":\"-----BEGIN CERTIFICATE-----\\n" + "MIIBuDCCAV+gAwIBAgIQOhLp3dGycpuRzWpbZJPc/jAKBggq\\n".repeat(12)
            + "-----END CERTIFICATE-----\\n\"}},"
            + "\"Spec\":{\"Role\":\"manager\",\"Availability\":\"active\"},\"Status\":{\"State\":\"ready\"},"
            + "\"ManagerStatus\":{\"Leader\":true,\"Reachability\":\"reachable\"}}";
    private static final String WORKER = "{\"ID\":\"n0de0000000000000000000002\",\"Description\":{\"Hostname\":\"node-2\"},"
            + "\"Spec\":{\"Role\":\"worker\",\"Availability\":\"drain\"},\"Status\":{\"State\":\"down\"}}";

    /** What an agent with these services, tasks and nodes answers to {@code target}. */
    private static String answer(String target) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        if (path.endsWith("/services")) return "[" + SERVICE + "," + GLOBAL_SERVICE + "]";
        if (path.contains("/services/")) return SERVICE;
        if (path.endsWith("/tasks")) return "[" + TASK + "," + FAILED_TASK + "]";
        if (path.endsWith("/nodes")) return "[" + NODE + "," + WORKER + "]";
        if (path.endsWith("/info")) return "{\"Swarm\":{\"NodeID\":\"n0de0000000000000000000001\"}}";
        return "[]";
    }

    private static void answerAsAnAgent(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String request = in.readLine();
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // headers: the request has no body (GETs only)
                }
                String[] words = request == null ? new String[0] : request.split(" ");
                byte[] body = answer(words.length > 1 ? words[1] : "").getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the server closed at the end of training, or a client gave up: nothing to answer
            }
        }
    }
}
