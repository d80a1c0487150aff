package io.orch.runtime.process;

import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the agent JVM in {@link TaskOutlivesAgentTest} and
 * {@link TaskOfAnAgentIgnoringSigintTest}: starts one task through the process runtime, prints its
 * handle on one line, then idles until it is killed.
 */
public final class AgentStandIn {
    public static void main(String[] args) throws Exception {
        ProcessRuntime runtime = new ProcessRuntime();
        TaskConfig config = new TaskConfig("survivor", "survivor", "label", List.of("sleep", "1000"), Map.of(), null,
                "", "", TaskConfig.Resources.NONE, Map.of(), Path.of(args[0]));
        TaskHandle h = runtime.start(config);
        Map<String, String> s = h.driverState();
        System.out.println(String.join("\t", "HANDLE", Long.toString(h.pid()), Long.toString(h.startTimeMillis()),
                s.get(ProcessTask.STATE_BOOT_ID), s.get(ProcessTask.STATE_START_TICKS), s.get(ProcessTask.STATE_TASK_DIR),
                s.get(ProcessTask.STATE_WORKING_DIR)));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** The handle the stand-in printed, as the test JVM reads it from the stand-in's stdout. */
    static TaskHandle readHandle(Process agent) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("HANDLE\t")) {
            // skip anything else the stand-in prints
        }
        if (line == null) {
            throw new AssertionError("agent stand-in exited before starting the task");
        }
        String[] f = line.split("\t");
        return new TaskHandle("survivor", ProcessRuntime.NAME, Long.parseLong(f[1]), Long.parseLong(f[2]), "",
                Map.of(ProcessTask.STATE_BOOT_ID, f[3], ProcessTask.STATE_START_TICKS, f[4],
                        ProcessTask.STATE_TASK_DIR, f[5], ProcessTask.STATE_WORKING_DIR, f[6]));
    }
}
