package io.orch.api;

import java.nio.file.Path;

/**
 * Defaults shared by the agent and the CLI, so that `orch init` and `orch service ls` find each
 * other with no flags: as root the system paths, otherwise paths under the user's home.
 */
public final class Defaults {
    /** Highest Docker Engine API version we speak (what the docker CLI negotiates down to). */
    public static final String API_VERSION = "1.47";
    /** Oldest API version we accept in a /vX.Y/ path prefix. */
    public static final String MIN_API_VERSION = "1.24";
    public static final int LISTEN_PORT = 2377;
    public static final int GOSSIP_PORT = 7946;

    private Defaults() {}

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path userHome() {
        return Path.of(System.getProperty("user.home"), ".orch");
    }

    public static Path dataDir() {
        return runningAsRoot() ? Path.of("/var/lib/orch") : userHome().resolve("data");
    }

    public static Path apiSocket() {
        return runningAsRoot() ? Path.of("/run/orch/orch.sock") : userHome().resolve("orch.sock");
    }

    /** The CLI's default host URL: the local unix socket. */
    public static String defaultHost() {
        return "unix://" + apiSocket();
    }
}
