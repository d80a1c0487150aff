package io.orch.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a runtime needs to start one task, already resolved by the executor from the
 * task's spec: the final argv (entrypoint + args), environment, limits and where logs go.
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
        Path taskDir) {

    public TaskConfig {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
    }

    /** Limits; zero means unlimited. */
    public record Resources(long nanoCpus, long memoryBytes, long pids) {
        public static final Resources NONE = new Resources(0, 0, 0);
    }

    public static Duration defaultStopGrace() {
        return Duration.ofSeconds(10);
    }
}
