package io.orch.runtime;

import io.orch.runtime.health.HealthSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a runtime needs to start one task, already resolved by the executor from the
 * task's spec: the argv (entrypoint + args, for runtimes without images), environment, limits,
 * where logs go, and the container options image-based runtimes need ({@link Container}).
 */
public record TaskConfig(
        String taskId,
        String name,
        String image,
        List<String> argv,
        Map<String, String> env,
        String workingDir,
        String user,
        String hostname,
        Resources limits,
        Map<String, String> labels,
        Path taskDir,
        Container container) {

    public TaskConfig {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        container = container == null ? Container.command(argv) : container;
    }

    /** For runtimes without images: the argv is the whole command. */
    public TaskConfig(String taskId, String name, String image, List<String> argv, Map<String, String> env,
                      String workingDir, String user, String hostname, Resources limits, Map<String, String> labels,
                      Path taskDir) {
        this(taskId, name, image, argv, env, workingDir, user, hostname, limits, labels, taskDir, null);
    }

    /** Limits; zero means unlimited. */
    public record Resources(long nanoCpus, long memoryBytes, long pids) {
        public static final Resources NONE = new Resources(0, 0, 0);
    }

    /**
     * What image-based runtimes need beyond the argv. Docker's rule applies: {@code command}
     * replaces the image's entrypoint (and then its cmd too), {@code args} replace its cmd.
     */
    public record Container(List<String> command, List<String> args, boolean readOnlyRootfs, List<Mount> mounts,
                            Optional<HealthSpec> healthcheck) {
        public Container {
            command = List.copyOf(command);
            args = List.copyOf(args);
            mounts = List.copyOf(mounts);
            healthcheck = healthcheck == null ? Optional.empty() : healthcheck;
        }

        public static Container command(List<String> argv) {
            return new Container(argv, List.of(), false, List.of(), Optional.empty());
        }
    }

    /** A mount into the container: bind (host path), volume (named, under the node's data dir) or tmpfs. */
    public record Mount(Type type, String source, String target, boolean readOnly) {
        public enum Type { BIND, VOLUME, TMPFS }
    }

    public static Duration defaultStopGrace() {
        return Duration.ofSeconds(10);
    }
}
