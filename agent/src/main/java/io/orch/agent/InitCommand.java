package io.orch.agent;

import io.orch.api.Defaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * `orch init`: runs this node's agent in the foreground until SIGTERM or SIGINT, creating a new
 * cluster, or resuming the one its data directory already holds.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initialize a cluster (or resume the one in --data-dir) and run this node's agent in the foreground.",
                "Raft traffic uses the --listen-addr port + 2.",
                "The API listens on --api-socket and/or --api-addr; with neither, on the default socket."})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = Defaults.dataDir();

    @Option(names = "--listen-addr", paramLabel = "HOST:PORT", description = "Node-to-node address (default: ${DEFAULT-VALUE}).")
    String listenAddr = "0.0.0.0:" + Defaults.LISTEN_PORT;

    @Option(names = "--gossip-addr", paramLabel = "HOST:PORT", description = "Gossip (SWIM) address (default: ${DEFAULT-VALUE}).")
    String gossipAddr = "0.0.0.0:" + Defaults.GOSSIP_PORT;

    @Option(names = "--api-socket", paramLabel = "PATH", description = "Unix socket for the API, mode 0660 (default: " +
            "/run/orch/orch.sock as root, ~/.orch/orch.sock otherwise, when --api-addr is not given).")
    Path apiSocket;

    @Option(names = "--api-addr", paramLabel = "HOST:PORT", description = "Plain-HTTP API address; loopback only until TLS is configured.")
    String apiAddr;

    @Option(names = "--runtime", paramLabel = "NAME", description = "Default runtime for tasks that name none: runc or process (default: runc when the agent is root and runc is installed, else process).")
    String runtime;

    @Option(names = "--hostname", paramLabel = "NAME", description = "Node hostname as shown by `node ls` (default: this host's name).")
    String hostname;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = config();
        var out = spec.commandLine().getOut();
        Agent agent = Agent.start(config, out);
        // SIGTERM and SIGINT ask for a clean stop: close the agent on this thread and exit 0
        // (as dockerd does), rather than letting the JVM die with 143 inside a shutdown hook.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopRequested.countDown());
        }
        Thread hook = new Thread(agent::close, "orch-shutdown"); // any other exit path still closes cleanly
        Runtime.getRuntime().addShutdownHook(hook);
        stopRequested.await();
        agent.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println("orch agent stopped");
        out.flush();
        return 0;
    }

    AgentConfig config() throws Exception {
        AgentConfig.HostPort listen = AgentConfig.HostPort.parse("--listen-addr", listenAddr, Defaults.LISTEN_PORT);
        AgentConfig.HostPort gossip = AgentConfig.HostPort.parse("--gossip-addr", gossipAddr, Defaults.GOSSIP_PORT);
        AgentConfig.HostPort api = apiAddr == null ? null : AgentConfig.HostPort.parse("--api-addr", apiAddr, 2375);
        if (api != null && !InetAddress.getByName(api.host()).isLoopbackAddress()) {
            throw new IllegalArgumentException("--api-addr " + apiAddr
                    + ": plain HTTP is only allowed on a loopback address until TLS is configured");
        }
        if (runtime != null && !runtime.equals("process") && !runtime.equals("runc")) {
            throw new IllegalArgumentException("--runtime " + runtime + ": unknown runtime (available: runc, process)");
        }
        Path socket = apiSocket != null ? apiSocket : (api == null ? Defaults.apiSocket() : null);
        String host = hostname != null ? hostname : InetAddress.getLocalHost().getHostName();
        return new AgentConfig(dataDir.toAbsolutePath(), listen, gossip, socket, api, runtime, host);
    }
}
