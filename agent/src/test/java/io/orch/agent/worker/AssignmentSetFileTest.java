package io.orch.agent.worker;

import com.google.protobuf.ByteString;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigSpec;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.PullOptions;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssignmentSetFileTest {
    private static final String SECRET = "s3cr3t-password-value";
    private static final String LOGIN = "eyJ1c2VybmFtZSI6ImJvYiIsInBhc3N3b3JkIjoiaHVudGVyMiJ9";

    @TempDir
    Path dir;

    private static Assignments set() {
        Task t = Task.newBuilder().setId("t1").setServiceId("svc1").setSlot(1).setNodeId("w1")
                .setDesiredState(TaskState.RUNNING).setRestartCount(3)
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")
                        .addArgs("sleep").addArgs("100").setPullOptions(PullOptions.newBuilder().setRegistryAuth(LOGIN))))
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING))
                .build();
        return Assignments.newBuilder().setSequence(7).addTasks(t)
                .addSecrets(Secret.newBuilder().setId("sec1").setSpec(SecretSpec.newBuilder().setName("db")
                        .setData(ByteString.copyFromUtf8(SECRET))))
                .addConfigs(Config.newBuilder().setId("cfg1").setSpec(ConfigSpec.newBuilder().setName("conf")
                        .setData(ByteString.copyFromUtf8("k=v"))))
                .putServiceNames("svc1", "web")
                .build();
    }

    /** What {@code action} printed on stderr (where the agent logs) while it ran, and its result. */
    private static <T> T capturingStderr(StringBuilder out, Supplier<T> action) {
        PrintStream before = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return action.get();
        } finally {
            System.setErr(before);
            out.append(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSetReadsBackWithoutItsSecrets() throws Exception {
        AssignmentSetFile file = AssignmentSetFile.under(dir);
        file.save(set());
        Assignments back = AssignmentSetFile.under(dir).load().orElseThrow();
        assertEquals(AssignmentSetFile.withoutSecrets(set()), back);
        assertEquals("t1", back.getTasks(0).getId());
        assertEquals(3, back.getTasks(0).getRestartCount());
        assertEquals("k=v", back.getConfigs(0).getSpec().getData().toStringUtf8(), "configs are kept: they are not secret");
        assertEquals("web", back.getServiceNamesMap().get("svc1"));
        assertEquals(0, back.getSecretsCount());
        assertFalse(back.getTasks(0).getSpec().getContainerSpec().hasPullOptions());
    }

    @Test
    void noSecretByteIsWritten() throws Exception {
        AssignmentSetFile.under(dir).save(set());
        byte[] bytes = Files.readAllBytes(dir.resolve("worker/assignments.bin"));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(SECRET), "secret data");
        assertFalse(text.contains(LOGIN), "registry login");
        assertTrue(text.contains("busybox"), "the file holds the set (so the checks above mean something)");
        try (var files = Files.list(dir.resolve("worker"))) {
            assertEquals(1, files.count(), "no temp file left");
        }
    }

    @Test
    void aDamagedFileIsIgnoredWithAWarning() throws Exception {
        AssignmentSetFile file = AssignmentSetFile.under(dir);
        file.save(set());
        Path path = dir.resolve("worker/assignments.bin");
        byte[] bytes = Files.readAllBytes(path);
        bytes[bytes.length - 3] ^= 0x5a;
        Files.write(path, bytes);
        StringBuilder log = new StringBuilder();
        assertEquals(Optional.empty(), capturingStderr(log, file::load));
        assertTrue(log.toString().contains("WARN") && log.toString().contains("checksum mismatch"), log.toString());
    }

    @Test
    void aTornFileIsIgnored() throws Exception {
        AssignmentSetFile file = AssignmentSetFile.under(dir);
        file.save(set());
        Path path = dir.resolve("worker/assignments.bin");
        byte[] bytes = Files.readAllBytes(path);
        Files.write(path, Arrays.copyOf(bytes, bytes.length / 2));
        assertEquals(Optional.empty(), file.load());
        Files.write(path, Arrays.copyOf(bytes, 5));
        StringBuilder log = new StringBuilder();
        assertEquals(Optional.empty(), capturingStderr(log, file::load));
        assertTrue(log.toString().contains("not an assignment set file"), log.toString());
    }

    @Test
    void noFileMeansNoSetAndNoWarning() {
        StringBuilder log = new StringBuilder();
        assertEquals(Optional.empty(), capturingStderr(log, AssignmentSetFile.under(dir)::load));
        assertEquals("", log.toString());
    }

    @Test
    void aNewerSetReplacesTheKeptOneAndDeleteForgetsIt() throws Exception {
        AssignmentSetFile file = AssignmentSetFile.under(dir);
        file.save(set());
        file.save(set().toBuilder().setSequence(8).clearTasks().build());
        assertEquals(8, file.load().orElseThrow().getSequence());
        assertEquals(0, file.load().orElseThrow().getTasksCount());
        file.delete();
        assertEquals(Optional.empty(), file.load());
    }
}
