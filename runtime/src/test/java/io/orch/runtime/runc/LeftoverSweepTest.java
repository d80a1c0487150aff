package io.orch.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.net.Bridge;
import io.orch.runtime.net.NetworkConfig;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.net.Subnet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up sweep with real runc: an agent (a runtime instance) starts bridged containers and
 * goes away without removing them; the next one on the same data dir sweeps what no known task
 * owns (container, shim, overlay mount, namespace, veth, address, cgroup) and leaves a known
 * task's running container alone. Needs root, runc and ip; skips with the reason otherwise.
 */
@Timeout(120)
class LeftoverSweepTest {
    static final String BRIDGE = "orchtestE3";
    static final NetworkConfig NETWORK = NetworkConfig.of(BRIDGE, Subnet.parse("10.213.48.0/20"), 24);

    @TempDir
    static Path shared;
    static ImageStore images;

    @TempDir
    Path dataDir;
    private final List<RuncRuntime> agents = new ArrayList<>();
    private final List<String> started = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason().or(NodeNetwork::unavailableReason);
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        images = new ImageStore(shared.resolve("images"));
        images.load(TestImages.busybox().writeDockerArchive(shared.resolve("busybox.tar"), "busybox:latest"));
    }

    @AfterAll
    static void removeBridge() throws IOException {
        if (images != null) {
            Bridge.delete(BRIDGE);
        }
    }

    @AfterEach
    void tearDown() {
        RuncRuntime last = agent();
        for (String id : started) {
            last.recover(new TaskHandle(id, RuncRuntime.NAME, 0, 0, RuncRuntime.containerId(id),
                    Map.of(RuncTask.STATE_BUNDLE, tasksDir().resolve(id).toString())));
            last.destroy(id);
        }
        last.sweepLeftovers(Set.of(), tasksDir());
        agents.forEach(RuncRuntime::close);
    }

    private RuncRuntime agent() {
        RuncRuntime r = new RuncRuntime(dataDir, images, NETWORK);
        agents.add(r);
        return r;
    }

    private Path tasksDir() {
        return dataDir.resolve("tasks");
    }

    private TaskHandle start(RuncRuntime runtime, String name) throws Exception {
        String taskId = name + "-" + System.nanoTime();
        started.add(taskId);
        return runtime.start(new TaskConfig(taskId, name, "busybox", List.of("sleep", "1000"), Map.of(), "", "", name,
                TaskConfig.Resources.NONE, Map.of(), tasksDir().resolve(taskId), null,
                new TaskConfig.Network(TaskConfig.Network.Mode.BRIDGE, List.of())));
    }

    @Test
    void sweepsEverythingOfAnUnknownTaskAndNothingOfAKnownOne() throws Exception {
        RuncRuntime first = agent();
        TaskHandle leftover = start(first, "leftover");
        TaskHandle kept = start(first, "kept");
        first.close(); // the agent is gone; its containers run on
        String gone = leftover.taskId();
        assertTrue(traces(gone).size() >= 5, "the task has all its things before the sweep: " + traces(gone));

        List<String> removed = agent().sweepLeftovers(Set.of(kept.taskId()), tasksDir());

        assertEquals(List.of(), traces(gone), "nothing of the unknown task is left; the sweep said " + removed);
        assertFalse(ProcessHandle.of(leftover.pid()).map(ProcessHandle::isAlive).orElse(false), "its process is dead");
        assertEquals(6, traces(kept.taskId()).size(), "the known task keeps everything: " + traces(kept.taskId()));
        assertTrue(ProcessHandle.of(kept.pid()).map(ProcessHandle::isAlive).orElse(false), "and keeps running");
    }

    private static List<String> commandLine(long pid) {
        try {
            return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What of the task exists now: runc state, shim, rootfs mount, namespace, veth, cgroup. */
    private List<String> traces(String taskId) throws IOException {
        String id = RuncRuntime.containerId(taskId);
        List<String> found = new ArrayList<>();
        if (Files.exists(dataDir.resolve("runc").resolve(id))) {
            found.add("runc state");
        }
        // from /proc/PID/cmdline: ProcessHandle.Info has no arguments for a command line over a page (the perl shim's)
        if (ProcessHandle.allProcesses().anyMatch(p -> commandLine(p.pid()).contains("orch-shim")
                && commandLine(p.pid()).contains(id))) {
            found.add("shim");
        }
        String mountPoint = tasksDir().resolve(taskId).resolve("rootfs").toAbsolutePath().toString();
        if (Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
                .anyMatch(l -> l.split(" ")[4].equals(mountPoint))) {
            found.add("mount");
        }
        if (Files.exists(Path.of("/var/run/netns", NodeNetwork.netnsName(taskId)))) {
            found.add("netns");
        }
        if (Files.exists(Path.of("/sys/class/net", NodeNetwork.vethName(taskId)))) {
            found.add("veth");
        }
        if (Files.exists(Path.of("/sys/fs/cgroup/pids/orch", id)) || Files.exists(Path.of("/sys/fs/cgroup/orch", id))) {
            found.add("cgroup");
        }
        return found;
    }
}
