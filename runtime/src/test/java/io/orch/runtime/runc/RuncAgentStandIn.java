package io.orch.runtime.runc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.image.ImageStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the agent JVM in {@link RuncNetworkTest}: starts one busybox httpd container
 * with a published port through the runc runtime, prints its handle as one JSON line, then
 * idles until it is killed (kill -9).
 *
 * <p>Args: dataDir imagesDir taskId publishedPort bridge pool
 */
public final class RuncAgentStandIn {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        var network = io.orch.runtime.net.NetworkConfig.of(args[4], io.orch.runtime.net.Subnet.parse(args[5]), 24);
        RuncRuntime runtime = new RuncRuntime(dataDir, new ImageStore(Path.of(args[1])), network);
        String taskId = args[2];
        TaskConfig config = new TaskConfig(taskId, taskId, "busybox", List.of("httpd", "-f", "-p", "80", "-h", "/www"),
                Map.of(), "", "", taskId, TaskConfig.Resources.NONE, Map.of(), dataDir.resolve("tasks").resolve(taskId),
                null, new TaskConfig.Network(TaskConfig.Network.Mode.BRIDGE, List.of(new TaskConfig.PublishedPort(
                        TaskConfig.PublishedPort.Protocol.TCP, 80, Integer.parseInt(args[3])))));
        TaskHandle h = runtime.start(config);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("taskId", h.taskId());
        json.put("runtime", h.runtime());
        json.put("pid", h.pid());
        json.put("startTimeMillis", h.startTimeMillis());
        json.put("containerId", h.containerId());
        json.put("driverState", h.driverState());
        System.out.println("HANDLE " + new ObjectMapper().writeValueAsString(json));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    @SuppressWarnings("unchecked")
    static TaskHandle parse(String line) throws Exception {
        Map<String, Object> m = new ObjectMapper().readValue(line.substring("HANDLE ".length()), Map.class);
        return new TaskHandle((String) m.get("taskId"), (String) m.get("runtime"), ((Number) m.get("pid")).longValue(),
                ((Number) m.get("startTimeMillis")).longValue(), (String) m.get("containerId"),
                (Map<String, String>) m.get("driverState"));
    }
}
