package io.orch.bench.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.protobuf.Message;
import io.orch.api.json.DockerJson;
import io.orch.api.model.Times;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Placement;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.Version;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The mapping of a list answer, protobuf store objects to Docker JSON bytes, the two ways
 * {@link DockerJson} offers: a tree then serialised ({@code toJson}, what the list routes did) and
 * straight to a generator ({@code write}, what they do). The objects are shaped like those of
 * {@code bench/run api}: 1,000 services and 10,000 tasks pending on a constraint.
 * Prints one line per case: "api-json: 10,000 tasks tree M ms per list (B bytes)".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DockerJsonBenchmark {
    @Param({"services", "tasks"})
    public String kind;

    private List<Message> objects;

    @Setup
    public void setUp() {
        objects = new ArrayList<>();
        Instant t0 = Instant.parse("2026-12-07T12:00:00.123456789Z");
        for (int s = 0; s < 1000; s++) {
            ServiceSpec spec = ServiceSpec.newBuilder().setName(String.format("bench-api-%04d", s)).putLabels("bench", "api")
                    .setTaskTemplate(TaskSpec.newBuilder()
                            .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addCommand("sleep").addCommand("100000")
                                    .addEnv("BENCH=api").addEnv("SLOT=" + s))
                            .setPlacement(Placement.newBuilder().addConstraints("node.labels.orch-bench-api==unplaceable")))
                    .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(10)))
                    .build();
            String serviceId = String.format("%025d", s);
            if (kind.equals("services")) {
                objects.add(Service.newBuilder().setId(serviceId).setVersion(Version.newBuilder().setIndex(10 + s))
                        .setCreatedAt(Times.timestamp(t0)).setUpdatedAt(Times.timestamp(t0)).setSpec(spec).build());
                continue;
            }
            for (int slot = 1; slot <= 10; slot++) {
                objects.add(Task.newBuilder().setId(serviceId + slot).setVersion(Version.newBuilder().setIndex(2000 + s))
                        .setCreatedAt(Times.timestamp(t0)).setUpdatedAt(Times.timestamp(t0.plusMillis(slot)))
                        .setServiceId(serviceId).setSlot(slot).setSpec(spec.getTaskTemplate()).setDesiredState(TaskState.RUNNING)
                        .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING).setTimestamp(Times.timestamp(t0))
                                .setMessage("pending task scheduling")
                                .setErr("no suitable node (scheduling constraints not satisfied on 1 node)"))
                        .setSpecVersion(1).build());
            }
        }
    }

    @Benchmark
    public byte[] tree() throws IOException {
        ArrayNode array = DockerJson.MAPPER.createArrayNode();
        for (Message m : objects) {
            array.add(DockerJson.toJson(m));
        }
        return DockerJson.MAPPER.writeValueAsBytes(array);
    }

    @Benchmark
    public byte[] streamed() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (JsonGenerator out = DockerJson.MAPPER.createGenerator(bytes)) {
            out.writeStartArray();
            for (Message m : objects) {
                DockerJson.write(m, out);
            }
            out.writeEndArray();
        }
        return bytes.toByteArray();
    }

    public static void main(String[] args) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(DockerJsonBenchmark.class.getName())
                .forks(1)
                .jvmArgs("-Xms512m", "-Xmx512m")
                .verbosity(VerboseMode.SILENT)
                .warmupIterations(3)
                .measurementIterations(5)
                .warmupTime(TimeValue.seconds(2))
                .measurementTime(TimeValue.seconds(2))
                .shouldFailOnError(true);
        System.err.println("api-json: JMH, 1 fork, 3 x 2 s warm-up + 5 x 2 s measured per case; load average "
                + loadAverage());
        for (RunResult r : new Runner(options.build()).run()) {
            String kind = r.getParams().getParam("kind");
            DockerJsonBenchmark b = new DockerJsonBenchmark();
            b.kind = kind;
            b.setUp();
            int size;
            try {
                size = b.streamed().length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            System.out.printf(Locale.ROOT, "api-json: %,d %s %s %.2f ms per list (%,d bytes)%n", b.objects.size(), kind, method,
                    r.getPrimaryResult().getScore(), size);
        }
        System.err.println("api-json: load average after " + loadAverage());
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
