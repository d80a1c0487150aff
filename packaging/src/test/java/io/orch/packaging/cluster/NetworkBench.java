package io.orch.packaging.cluster;

import io.orch.packaging.cluster.OverlayCluster.Task;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run network}: two runc hosts (network namespaces joined by a bridge, as in the
 * tests) and an overlay network between them. Reports TCP throughput from a container on host 2
 * to a container on host 1 over the overlay (to the task's address), through the service's VIP,
 * and between the two hosts directly (the underlay), each the median of several runs; and the
 * time from a task being seen RUNNING to {@code tasks.NAME} answering with its address in another container.
 * Goals: overlay >= 80% of underlay, VIP within 5% of the task's address, name < 1 s.
 *
 * <p>Then the routing mesh: a service published on an ingress port with its one task on host 1;
 * from host 2 (which runs no task of it) TCP throughput and HTTP requests per second (busybox
 * httpd, a new connection per request) to host 2's own address on the published port, against
 * the same traffic sent by host 2 straight to the task's address on the ingress network (the same
 * overlay path without the mesh's NAT). Goal: mesh >= 80% of direct.
 */
public final class NetworkBench {
    private static final int PORT = 5001;
    private static final int MESH_PORT = 30555;
    private static final int HTTP_PORT = 8000;
    private static final int MESH_HTTP_PORT = 30556;

    private NetworkBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, Map.of("runs", "5", "seconds", "3", "names", "5", "mesh", "1"));
        int runs = args.integer("runs");
        int seconds = args.integer("seconds");
        int names = args.integer("names");
        Optional<String> unavailable = OverlayCluster.unavailableReason();
        if (unavailable.isPresent()) {
            System.err.println("bench/run network: " + unavailable.get());
            System.exit(1);
        }
        try (OverlayCluster c = new OverlayCluster("bench-network", 2, new PortBlocks(22600, 22700, true))) {
            c.createNetwork("bench");
            c.createService("sink", 1, "bench", "node.hostname==n1", List.of("sleep", "100000"));
            c.createService("source", 1, "bench", "node.hostname==n2", List.of("sleep", "100000"));
            Task sink = c.awaitRunning("sink", 1).get(0);
            Task source = c.awaitRunning("source", 1).get(0);
            String vip = c.vipOf("sink", "bench");

            List<Double> overlay = new ArrayList<>();
            List<Double> viaVip = new ArrayList<>();
            List<Double> underlay = new ArrayList<>();
            try (Probe inSink = Probe.server("/var/run/netns/orch-" + sink.id());
                 Probe onHost1 = Probe.server("/var/run/netns/" + NetnsLab.netns(1))) {
                for (int i = 0; i < runs; i++) {
                    overlay.add(Probe.client("/var/run/netns/orch-" + source.id(), sink.address("bench"), seconds));
                    viaVip.add(Probe.client("/var/run/netns/orch-" + source.id(), vip, seconds));
                    underlay.add(Probe.client("/var/run/netns/" + NetnsLab.netns(2), NetnsLab.ip(1), seconds));
                    System.out.printf("run %d: overlay %.0f MB/s, VIP %.0f MB/s, underlay %.0f MB/s%n", i + 1,
                            overlay.get(i), viaVip.get(i), underlay.get(i));
                }
            }

            List<Long> nameMillis = new ArrayList<>();
            for (int i = 1; i <= names; i++) {
                String name = "named" + i;
                c.createService(name, 1, "bench", "node.hostname==n1", List.of("sleep", "100000"));
                long running = awaitRunningNanos(c, name);
                // tasks.NAME: the task's own address (NAME alone is the VIP, known before any task runs)
                long answered = awaitNameNanos(c, source, "tasks." + name);
                nameMillis.add(Math.max(0, (answered - running) / 1_000_000));
                System.out.printf("%s: RUNNING seen -> tasks.%s answers: %d ms%n", name, name, nameMillis.get(i - 1));
            }

            double o = median(overlay);
            double v = median(viaVip);
            double u = median(underlay);
            System.out.printf("%nnetwork, %d runs of %d s (2 hosts, runc containers, VXLAN overlay):%n", runs, seconds);
            System.out.printf("  TCP container -> container over the overlay (task address): median %.0f MB/s %s%n", o, overlay);
            System.out.printf("  TCP container -> container through the VIP:                 median %.0f MB/s %s%n", v, viaVip);
            System.out.printf("  TCP host -> host on the underlay:                          median %.0f MB/s %s%n", u, underlay);
            System.out.printf("  overlay / underlay: %.0f%% (goal >= 80%%); VIP / task address: %.0f%% (goal >= 95%%)%n",
                    100 * o / u, 100 * v / o);
            System.out.printf("  task RUNNING (as the API shows it) -> tasks.NAME answers with it: median %d ms (goal < 1000 ms) %s%n",
                    BenchArgs.median(nameMillis),
                    nameMillis);
            if (args.integer("mesh") != 0) {
                mesh(c, runs, seconds);
            }
        }
    }

    /** The routing mesh against the task's ingress address, from a host with no task of the service. */
    static void mesh(OverlayCluster c, int runs, int seconds) throws Exception {
        publish(c, "meshsink", List.of("sleep", "100000"), MESH_PORT, PORT);
        publish(c, "meshweb", List.of("httpd", "-f", "-p", Integer.toString(HTTP_PORT), "-h", "/etc"), MESH_HTTP_PORT, HTTP_PORT);
        Task sink = c.awaitRunning("meshsink", 1).get(0);
        Task web = c.awaitRunning("meshweb", 1).get(0);
        String host2 = "/var/run/netns/" + NetnsLab.netns(2);
        List<Double> mesh = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> meshRps = new ArrayList<>();
        List<Double> directRps = new ArrayList<>();
        try (Probe inSink = Probe.server("/var/run/netns/orch-" + sink.id())) {
            awaitAnswer(() -> Probe.client(host2, NetnsLab.ip(2), MESH_PORT, 1));
            for (int i = 0; i < runs; i++) {
                mesh.add(Probe.client(host2, NetnsLab.ip(2), MESH_PORT, seconds));
                direct.add(Probe.client(host2, sink.address("ingress"), PORT, seconds));
                meshRps.add(Probe.rps(host2, NetnsLab.ip(2), MESH_HTTP_PORT, seconds));
                directRps.add(Probe.rps(host2, web.address("ingress"), HTTP_PORT, seconds));
                System.out.printf("mesh run %d: TCP mesh %.0f MB/s, direct %.0f MB/s; HTTP mesh %.0f req/s, direct %.0f req/s%n",
                        i + 1, mesh.get(i), direct.get(i), meshRps.get(i), directRps.get(i));
            }
        }
        double m = median(mesh);
        double d = median(direct);
        double mr = median(meshRps);
        double dr = median(directRps);
        System.out.printf("%nrouting mesh, %d runs of %d s (host 2 runs no task; the task is on host 1):%n", runs, seconds);
        System.out.printf("  TCP host 2 -> host 2:%d (mesh):        median %.0f MB/s %s%n", MESH_PORT, m, mesh);
        System.out.printf("  TCP host 2 -> task's ingress address:  median %.0f MB/s %s%n", d, direct);
        System.out.printf("  HTTP host 2 -> host 2:%d (mesh):       median %.0f req/s %s%n", MESH_HTTP_PORT, mr, meshRps);
        System.out.printf("  HTTP host 2 -> task's ingress address: median %.0f req/s %s%n", dr, directRps);
        System.out.printf("  mesh / direct: throughput %.0f%%, requests %.0f%% (goal >= 80%%)%n", 100 * m / d, 100 * mr / dr);
    }

    private static void publish(OverlayCluster c, String name, List<String> command, int published, int target) {
        String cmd = String.join(",", command.stream().map(a -> "\"" + a + "\"").toList());
        String body = "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[" + cmd + "]},"
                + "\"Placement\":{\"Constraints\":[\"node.hostname==n1\"]}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":1}},"
                + "\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":" + target + ",\"PublishedPort\":" + published + "}]}}";
        NodeApi.Reply r = c.n1.api.call("POST", "/services/create", body);
        if (!r.ok()) {
            throw new AssertionError("service create " + name + ": " + r);
        }
    }

    private interface Attempt {
        double run() throws Exception;
    }

    /** Until the published port answers (the nodes apply the mesh a moment after the task runs). */
    private static void awaitAnswer(Attempt attempt) throws Exception {
        long deadline = System.nanoTime() + OverlayCluster.DEADLINE.toNanos();
        while (true) {
            try {
                attempt.run();
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the published port never answered: " + e.getMessage());
                }
                TimeUnit.MILLISECONDS.sleep(200); // retrying a probe, not synchronising on time
            }
        }
    }

    private static long awaitRunningNanos(OverlayCluster c, String service) throws InterruptedException {
        long deadline = System.nanoTime() + OverlayCluster.DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.running(service).isEmpty()) {
                return System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling the API: the figure's resolution, not a synchronisation
        }
        throw new AssertionError(service + " never ran");
    }

    private static long awaitNameNanos(OverlayCluster c, Task from, String name) throws InterruptedException {
        long deadline = System.nanoTime() + OverlayCluster.DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.lookup(from, name).isEmpty()) {
                return System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError(name + " never resolved");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** A ThroughputProbe in a network namespace, run by this JVM's java with this class path. */
    private record Probe(Process process) implements AutoCloseable {
        static List<String> command(String netnsPath, String... args) {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netnsPath, java, "-Xmx64m", "-cp",
                    System.getProperty("java.class.path"), ThroughputProbe.class.getName()));
            cmd.addAll(List.of(args));
            return cmd;
        }

        static Probe server(String netnsPath) throws IOException {
            Process p = new ProcessBuilder(command(netnsPath, "server", Integer.toString(PORT))).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (!"listening".equals(first)) {
                p.destroyForcibly();
                throw new IOException("probe server in " + netnsPath + " did not start: " + first);
            }
            return new Probe(p);
        }

        static double client(String netnsPath, String host, int seconds) throws IOException, InterruptedException {
            return client(netnsPath, host, PORT, seconds);
        }

        static double client(String netnsPath, String host, int port, int seconds) throws IOException, InterruptedException {
            return run(netnsPath, host, seconds, "client", host, Integer.toString(port), Integer.toString(seconds));
        }

        static double rps(String netnsPath, String host, int port, int seconds) throws IOException, InterruptedException {
            return run(netnsPath, host, seconds, "rps", host, Integer.toString(port), "/passwd", Integer.toString(seconds));
        }

        private static double run(String netnsPath, String host, int seconds, String... args) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command(netnsPath, args)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("probe client in " + netnsPath + " to " + host + " failed: " + out);
            }
            return Double.parseDouble(out.lines().reduce((a, b) -> b).orElse("0"));
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
