package io.orch.agent.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.runtime.TaskHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Persists the handle of every task this node started, so that an agent restarted after a
 * crash or an upgrade re-attaches to its tasks instead of losing or restarting them.
 */
final class HandleStore {
    private static final Logger log = LoggerFactory.getLogger(HandleStore.class);
    private final Path dir;

    HandleStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    void save(TaskHandle h) throws IOException {
        ObjectNode json = DockerJson.MAPPER.createObjectNode()
                .put("taskId", h.taskId()).put("runtime", h.runtime()).put("pid", h.pid())
                .put("startTimeMillis", h.startTimeMillis()).put("containerId", h.containerId());
        ObjectNode state = json.putObject("driverState");
        h.driverState().forEach(state::put);
        Path tmp = dir.resolve(h.taskId() + ".json.tmp");
        Files.write(tmp, DockerJson.MAPPER.writeValueAsBytes(json));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(h.taskId() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void remove(String taskId) {
        try {
            Files.deleteIfExists(dir.resolve(taskId + ".json"));
        } catch (IOException e) {
            log.warn("could not remove the handle of task {}: {}", taskId, e.toString());
        }
    }

    List<TaskHandle> loadAll() throws IOException {
        List<TaskHandle> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json"))::iterator) {
                try {
                    JsonNode j = DockerJson.MAPPER.readTree(f.toFile());
                    Map<String, String> state = new HashMap<>();
                    j.path("driverState").fields().forEachRemaining(e -> state.put(e.getKey(), e.getValue().asText()));
                    out.add(new TaskHandle(j.path("taskId").asText(), j.path("runtime").asText(), j.path("pid").asLong(),
                            j.path("startTimeMillis").asLong(), j.path("containerId").asText(""), state));
                } catch (IOException e) {
                    log.warn("ignoring unreadable task handle {}: {}", f.getFileName(), e.toString());
                }
            }
        }
        return out;
    }
}
