package io.orch.agent.worker;

import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigReference;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.FileTarget;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretReference;
import io.orch.api.proto.Task;
import io.orch.runtime.TaskConfig;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Delivers a task's secrets and configs as files before it starts: each secret to
 * {@code <taskDir>/secrets/<File.Name>}, each config to {@code <taskDir>/configs/<target>}
 * (an absolute target keeps its path below that directory), with the reference's mode (secrets
 * and configs 0444 when none is given, as Docker; owned by the reference's UID/GID, 0:0 by default), and tells the task where they are through
 * {@code ORCH_SECRETS_DIR} / {@code ORCH_CONFIGS_DIR}. The process runtime has no mount
 * namespace, so these directories are what the task reads; a container runtime bind-mounts
 * them at /run/secrets and at the config targets instead. Secret data is never logged.
 */
final class TaskFiles {
    static final String SECRETS_ENV = "ORCH_SECRETS_DIR";
    static final String CONFIGS_ENV = "ORCH_CONFIGS_DIR";
    static final int DEFAULT_SECRET_MODE = 0444;
    static final int DEFAULT_CONFIG_MODE = 0444;

    private TaskFiles() {}

    /**
     * Writes the files and returns the config with the two variables added; unchanged when the
     * task references neither secrets nor configs.
     *
     * @throws IllegalStateException naming the missing object or unusable target (the task is rejected)
     */
    static TaskConfig prepare(WorkerView view, Task task, TaskConfig config) {
        ContainerSpec c = task.getSpec().getContainerSpec();
        if (c.getSecretsCount() == 0 && c.getConfigsCount() == 0) {
            return config;
        }
        Path secretsDir;
        Path configsDir = config.taskDir().resolve("configs");
        Map<String, String> env = new LinkedHashMap<>(config.env());
        List<TaskConfig.Mount> mounts = new ArrayList<>(config.container().mounts());
        try {
            if (c.getSecretsCount() > 0) {
                List<Secret> secrets = new ArrayList<>();
                long bytes = 0;
                for (SecretReference r : c.getSecretsList()) {
                    Secret s = view.secret(r.getSecretId(), r.getSecretName()).orElseThrow(() ->
                            new IllegalStateException("secret " + name(r.getSecretName(), r.getSecretId()) + " not found"));
                    secrets.add(s);
                    bytes += s.getSpec().getData().size();
                }
                secretsDir = SecretVolume.open(config.taskDir(), bytes); // memory only, where the agent can mount
                createPrivateDir(secretsDir);
                for (int i = 0; i < c.getSecretsCount(); i++) {
                    SecretReference r = c.getSecrets(i);
                    Secret s = secrets.get(i);
                    String target = fileName(r.getFile(), r.getSecretName());
                    Path file = write(secretsDir, target, s.getSpec().getData().toByteArray(),
                            mode(r.getFile(), DEFAULT_SECRET_MODE));
                    own(file, r.getFile());
                    mounts.add(readOnlyBind(file, target.startsWith("/") ? target : "/run/secrets/" + target));
                }
                env.put(SECRETS_ENV, secretsDir.toString());
            }
            if (c.getConfigsCount() > 0) {
                createPrivateDir(configsDir);
                for (ConfigReference r : c.getConfigsList()) {
                    Config cfg = view.config(r.getConfigId(), r.getConfigName()).orElseThrow(() ->
                            new IllegalStateException("config " + name(r.getConfigName(), r.getConfigId()) + " not found"));
                    String target = fileName(r.getFile(), r.getConfigName());
                    Path file = write(configsDir, target, cfg.getSpec().getData().toByteArray(),
                            mode(r.getFile(), DEFAULT_CONFIG_MODE));
                    own(file, r.getFile());
                    mounts.add(readOnlyBind(file, target.startsWith("/") ? target : "/" + target));
                }
                env.put(CONFIGS_ENV, configsDir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task's secret and config files: " + e.getMessage(), e);
        }
        TaskConfig.Container c0 = config.container();
        TaskConfig.Container container = new TaskConfig.Container(c0.command(), c0.args(), c0.readOnlyRootfs(), mounts,
                c0.healthcheck(), c0.options(), c0.tty());
        return new TaskConfig(config.taskId(), config.name(), config.image(), config.argv(), env, config.workingDir(),
                config.user(), config.hostname(), config.limits(), config.labels(), config.taskDir(), container);
    }

    /** Container runtimes see each file at its Docker path: /run/secrets/NAME, configs at their target. */
    private static TaskConfig.Mount readOnlyBind(Path file, String target) {
        return new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, file.toString(), target, true);
    }

    /** Removes the secret files once the task is over: their tmpfs is unmounted, a plain directory deleted. */
    static void removeSecrets(Path taskDir) {
        try {
            SecretVolume.close(taskDir);
        } catch (IOException e) {
            LoggerFactory.getLogger(TaskFiles.class).warn("the secrets mount of task {} stays: {}", taskDir.getFileName(), e.toString());
        }
        Path dir = taskDir.resolve(SecretVolume.DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: the task dir itself is private to the agent
        }
    }

    /**
     * Gives the file the reference's owner (numeric UID/GID, the API checked them; empty is 0). An
     * agent that is not root cannot: its tasks run as its own user, which owns the file, so the
     * default 0:0 is left as is and any other owner fails the task.
     */
    static void own(Path file, FileTarget target) throws IOException {
        int uid = target.getUid().isEmpty() ? 0 : Integer.parseInt(target.getUid());
        int gid = target.getGid().isEmpty() ? 0 : Integer.parseInt(target.getGid());
        int currentUid = (Integer) Files.getAttribute(file, "unix:uid");
        int currentGid = (Integer) Files.getAttribute(file, "unix:gid");
        if (uid == currentUid && gid == currentGid) {
            return;
        }
        if (currentUid != 0 && uid == 0 && gid == 0) {
            return;
        }
        try {
            Files.setAttribute(file, "unix:uid", uid);
            Files.setAttribute(file, "unix:gid", gid);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("cannot give " + file.getFileName() + " owner " + uid + ":" + gid + ": "
                    + e.getMessage());
        }
    }

    private static String name(String name, String id) {
        return name.isEmpty() ? id : name;
    }

    private static String fileName(FileTarget file, String fallback) {
        return file.getName().isEmpty() ? fallback : file.getName();
    }

    private static int mode(FileTarget file, int fallback) {
        return file.getMode() == 0 ? fallback : file.getMode() & 0777;
    }

    /** Writes below {@code dir} only: an absolute target keeps its path under it, ".." is refused. */
    static Path write(Path dir, String target, byte[] data, int mode) throws IOException {
        String relative = target.replaceFirst("^/+", "");
        Path file = dir.resolve(relative).normalize();
        if (relative.isEmpty() || !file.startsWith(dir) || file.equals(dir)) {
            throw new IllegalStateException("invalid file target \"" + target + "\"");
        }
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file); // a restarted task rewrites its files, whatever mode they had
        Path tmp = Files.createFile(dir.resolve("." + file.getFileName() + ".tmp"),
                PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        Files.write(tmp, data);
        Files.setPosixFilePermissions(tmp, permissions(mode));
        Files.move(tmp, file);
        return file;
    }

    private static void createPrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                p.add(order[bit]);
            }
        }
        return p;
    }
}
