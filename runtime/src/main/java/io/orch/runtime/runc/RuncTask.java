package io.orch.runtime.runc;

import io.orch.runtime.TaskConfig.PublishedPort;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.TaskRecord;
import io.orch.runtime.net.NetworkState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the runtime keeps about one container: where it lives, who supervises it, how it ended. */
final class RuncTask extends TaskRecord {
    static final String STATE_BUNDLE = "bundle";
    static final String STATE_SHIM_PID = "shimPid";
    static final String STATE_SHIM_START = "shimStartTicks";
    static final String STATE_CGROUP = "cgroupsPath";
    static final String STATE_IMAGE = "image";
    static final String STATE_PROXY_PID = "portProxyPid";
    static final String STATE_PROXY_START = "portProxyStartMillis";

    final String containerId;
    final Path bundle;
    final long shimPid;
    final long shimStartTicks;
    final String cgroupsPath;
    final String image;
    final Net net;

    /**
     * The container's network as set up at start: its address on the bridge (empty for host
     * networking), the host ports its proxy holds, and that proxy's identity (pid -1: none).
     */
    record Net(Optional<String> address, List<PublishedPort> ports, long proxyPid, long proxyStartMillis) {
        static final Net HOST = new Net(Optional.empty(), List.of(), -1, -1);

        Net {
            ports = List.copyOf(ports);
        }

        static Net from(Map<String, String> s) {
            return new Net(Optional.ofNullable(s.get(NetworkState.ADDRESS)),
                    NetworkState.parsePorts(s.getOrDefault(NetworkState.PORTS, "")),
                    Long.parseLong(s.getOrDefault(STATE_PROXY_PID, "-1")),
                    Long.parseLong(s.getOrDefault(STATE_PROXY_START, "-1")));
        }
    }

    RuncTask(String taskId, String containerId, Path bundle, long pid, long shimPid, long shimStartTicks,
             long startMillis, String cgroupsPath, String image, Net net) {
        super(taskId, pid, startMillis);
        this.containerId = containerId;
        this.bundle = bundle;
        this.shimPid = shimPid;
        this.shimStartTicks = shimStartTicks;
        this.cgroupsPath = cgroupsPath;
        this.image = image;
        this.net = net;
    }

    @Override
    public TaskHandle handle() {
        Map<String, String> state = new HashMap<>(Map.of(
                STATE_BUNDLE, bundle.toString(),
                STATE_SHIM_PID, Long.toString(shimPid),
                STATE_SHIM_START, Long.toString(shimStartTicks),
                STATE_CGROUP, cgroupsPath,
                STATE_IMAGE, image));
        NetworkState.put(state, net.address(), net.ports());
        if (net.proxyPid() > 0) {
            state.put(STATE_PROXY_PID, Long.toString(net.proxyPid()));
            state.put(STATE_PROXY_START, Long.toString(net.proxyStartMillis()));
        }
        return handle(RuncRuntime.NAME, containerId, state);
    }
}
