package io.orch.agent;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The addresses a `docker swarm init` / `join` chose instead of the agent's flags (its ListenAddr,
 * AdvertiseAddr), kept in the data directory so that a restarted `orch agent` resumes the node on
 * them, as dockerd keeps them in its swarm state. Absent when the flags were used; removed with the
 * rest of the swarm state when the node leaves.
 */
record SwarmAddresses(AgentConfig.HostPort listenAddr, String advertiseHost) {
    static final String FILE = "swarm-addresses.properties";

    /** The addresses of {@code chosen} when they differ from the flags', else empty (nothing to remember). */
    static Optional<SwarmAddresses> chosen(AgentConfig flags, AgentConfig chosen) {
        if (flags.listenAddr().equals(chosen.listenAddr()) && flags.advertiseHost().equals(chosen.advertiseHost())) {
            return Optional.empty();
        }
        return Optional.of(new SwarmAddresses(chosen.listenAddr(), chosen.advertiseHost()));
    }

    /** {@code flags} with these addresses in place of the flags' own. */
    AgentConfig appliedTo(AgentConfig flags) {
        return new AgentConfig(flags.dataDir(), listenAddr, flags.gossipAddr(), flags.apiSocket(), flags.apiAddr(),
                flags.runtime(), flags.hostname(), advertiseHost, flags.join(), flags.forceNewCluster(), flags.addressPools())
                .withNodeSettingsOf(flags);
    }

    void save(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("listen", listenAddr.toString());
        p.setProperty("advertise", advertiseHost);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "chosen by docker swarm init/join; used instead of --listen-addr/--advertise-addr");
        }
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    static Optional<SwarmAddresses> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        String listen = p.getProperty("listen");
        String advertise = p.getProperty("advertise");
        if (listen == null || advertise == null) {
            throw new IOException(file + " is incomplete: it needs listen= and advertise=");
        }
        return Optional.of(new SwarmAddresses(AgentConfig.HostPort.parse(FILE + " listen", listen, 2377), advertise));
    }
}
