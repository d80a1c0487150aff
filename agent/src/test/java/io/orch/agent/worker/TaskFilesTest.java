package io.orch.agent.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigReference;
import io.orch.api.proto.ConfigSpec;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.FileTarget;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretReference;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.TaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskFilesTest {
    @TempDir
    Path dir;
    private final ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());

    @AfterEach
    void close() throws Exception {
        TaskFiles.removeSecrets(dir.resolve("t1")); // as the end of the task does: a root agent's tmpfs is unmounted
        store.proposer().close();
    }

    private TaskConfig config() {
        return new TaskConfig("t1", "web.1.t1", "busybox", List.of("sleep", "1"), Map.of("A", "1"), "", "", "",
                TaskConfig.Resources.NONE, Map.of(), dir.resolve("t1"));
    }

    private static Task task(ContainerSpec.Builder c) {
        return Task.newBuilder().setId("t1").setSpec(TaskSpec.newBuilder().setContainerSpec(c.setImage("busybox"))).build();
    }

    @Test
    void writesSecretsAndConfigsWithTheirModesAndSetsTheVariables() throws Exception {
        store.start();
        store.updateAndWait(tx -> {
            tx.create(Secret.newBuilder().setId("sec1").setSpec(SecretSpec.newBuilder().setName("st_db")
                    .setData(ByteString.copyFromUtf8("pw"))).build());
            tx.create(Config.newBuilder().setId("cfg1").setSpec(ConfigSpec.newBuilder().setName("st_conf")
                    .setData(ByteString.copyFromUtf8("k=v"))).build());
        });
        Task t = task(ContainerSpec.newBuilder()
                .addSecrets(SecretReference.newBuilder().setSecretId("sec1").setSecretName("st_db").setFile(FileTarget.newBuilder().setName("db")))
                .addSecrets(SecretReference.newBuilder().setSecretName("st_db").setFile(FileTarget.newBuilder().setName("db2").setMode(0440)))
                .addConfigs(ConfigReference.newBuilder().setConfigId("cfg1").setFile(FileTarget.newBuilder().setName("/etc/app.conf"))));
        TaskConfig out = TaskFiles.prepare(new StoreWorkerView(store, "n1"), t, config());
        Path secrets = dir.resolve("t1/secrets");
        assertEquals(secrets.toString(), out.env().get(TaskFiles.SECRETS_ENV));
        assertEquals(dir.resolve("t1/configs").toString(), out.env().get(TaskFiles.CONFIGS_ENV));
        assertEquals("1", out.env().get("A"));
        assertEquals("pw", Files.readString(secrets.resolve("db")));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve("db"))));
        assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve("db2"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        Path conf = dir.resolve("t1/configs/etc/app.conf");
        assertEquals("k=v", Files.readString(conf));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        // container runtimes get read-only bind mounts at Docker's paths, and the rest of the container is kept
        assertEquals(List.of(
                new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, secrets.resolve("db").toString(), "/run/secrets/db", true),
                new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, secrets.resolve("db2").toString(), "/run/secrets/db2", true),
                new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, conf.toString(), "/etc/app.conf", true)),
                out.container().mounts());
        assertEquals(config().container().command(), out.container().command());
        // a restart rewrites read-only files; the end of the task removes the secrets
        TaskFiles.prepare(new StoreWorkerView(store, "n1"), t, config());
        TaskFiles.removeSecrets(dir.resolve("t1"));
        assertFalse(Files.exists(secrets));
    }

    @Test
    void missingObjectsAndEscapingTargetsAreRefused() throws Exception {
        store.start();
        Task missing = task(ContainerSpec.newBuilder().addSecrets(SecretReference.newBuilder().setSecretName("nope")));
        assertEquals("secret nope not found", assertThrows(IllegalStateException.class, () -> TaskFiles.prepare(new StoreWorkerView(store, "n1"), missing, config())).getMessage());
        assertThrows(IllegalStateException.class, () -> TaskFiles.write(dir, "../x", new byte[] {1}, 0400));
        Task none = task(ContainerSpec.newBuilder());
        TaskConfig c = config();
        assertSame(c, TaskFiles.prepare(new StoreWorkerView(store, "n1"), none, c));
    }

    @Test
    void filesGetTheReferencesOwnerAndTheContainerKeepsItsOptions() throws Exception {
        store.start();
        store.updateAndWait(tx -> tx.create(Secret.newBuilder().setId("sec1").setSpec(SecretSpec.newBuilder().setName("s")
                .setData(ByteString.copyFromUtf8("pw"))).build()));
        Task t = task(ContainerSpec.newBuilder().setInit(true).addSecrets(SecretReference.newBuilder().setSecretId("sec1")
                .setSecretName("s").setFile(FileTarget.newBuilder().setName("s").setUid("1234").setGid("5678").setMode(0440))));
        TaskConfig base = config();
        TaskConfig withOptions = new TaskConfig(base.taskId(), base.name(), base.image(), base.argv(), base.env(), "", "", "",
                base.limits(), Map.of(), base.taskDir(), TaskConfigs.container(t.getSpec().getContainerSpec()));
        TaskConfig out = TaskFiles.prepare(new StoreWorkerView(store, "n1"), t, withOptions);
        Path file = dir.resolve("t1/secrets/s");
        if (RootCheck.isRoot()) {
            assertEquals(1234, Files.getAttribute(file, "unix:uid"));
            assertEquals(5678, Files.getAttribute(file, "unix:gid"));
        }
        assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(true, out.container().options().init(), "the rebuilt container keeps the ContainerSpec's settings");
    }

    /** Whether this JVM runs as root (only root can give files away). */
    static final class RootCheck {
        static boolean isRoot() throws java.io.IOException {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        }
    }
}
