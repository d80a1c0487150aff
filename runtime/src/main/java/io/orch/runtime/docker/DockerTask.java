package io.orch.runtime.docker;

import io.orch.runtime.LogFiles;
import io.orch.runtime.TaskConfig.PublishedPort;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.TaskRecord;
import io.orch.runtime.net.NetworkState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One task the docker runtime supervises: its container, its task dir (logs) and how it ended. */
final class DockerTask extends TaskRecord {
    static final String STATE_TASK_DIR = "taskDir";
    static final String STATE_IMAGE = "image";

    final String containerId;
    final Path taskDir;
    final String image;
    /** The container's bridge address and the host ports Docker bound for it (as inspected after start). */
    final Optional<String> address;
    final List<PublishedPort> ports;
    volatile LogPump logs;

    DockerTask(String taskId, String containerId, Path taskDir, String image, long pid, long startTimeMillis,
               Optional<String> address, List<PublishedPort> ports) {
        super(taskId, pid, startTimeMillis);
        this.containerId = containerId;
        this.taskDir = taskDir;
        this.image = image;
        this.address = address;
        this.ports = List.copyOf(ports);
    }

    LogFiles logFiles() {
        return LogFiles.in(taskDir);
    }

    @Override
    public TaskHandle handle() {
        Map<String, String> state = new HashMap<>(Map.of(STATE_TASK_DIR, taskDir.toString(), STATE_IMAGE, image));
        NetworkState.put(state, address, ports);
        return handle(DockerRuntime.NAME, containerId, state);
    }
}
