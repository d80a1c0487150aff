package io.orch.agent;

import io.orch.agent.api.SwarmInitRequest;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --tlsverify --tlscacert --tlscert --tlskey}: which combinations start an agent, and the one line for the others. */
class ApiTlsFlagsTest {
    @TempDir
    Path dir;

    private static AgentConfig init(String... args) throws Exception {
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs(args);
        return init.config();
    }

    private static IllegalArgumentException refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> init(args));
    }

    /** A certificate and its key as files (a node certificate will do for a server certificate). */
    private Path[] files() throws Exception {
        RootCa ca = RootCa.create("cluster1");
        NodeCredentials c = NodeCredentials.selfIssued(ca, "node1", NodeRole.MANAGER, List.of("10.0.0.1"));
        c.save(dir.resolve("tls"));
        return new Path[] {dir.resolve("tls/ca.crt"), dir.resolve("tls/node.crt"), dir.resolve("tls/node.key")};
    }

    @Test
    void tlsVerifyAloneServesTheNodeCertificateOnAnyAddressAndDefaultsToPort2376() throws Exception {
        AgentConfig c = init("--data-dir", dir.toString(), "--api-addr", "0.0.0.0", "--tlsverify");
        assertEquals(2376, c.apiAddr().port());
        assertTrue(c.apiTls().servesNodeCertificate() && c.apiTls().needsClusterCredentials());
        assertEquals(2375, init("--data-dir", dir.toString(), "--api-addr", "127.0.0.1").apiAddr().port());
        assertNull(init("--data-dir", dir.toString(), "--api-addr", "127.0.0.1:2375").apiTls(), "plain HTTP on loopback");
        assertEquals(io.orch.api.Defaults.apiSocket(), c.apiSocket(), "the unix socket stays beside a TLS address");
        assertNull(init("--data-dir", dir.toString(), "--api-addr", "127.0.0.1:2375").apiSocket(),
                "a plain TCP address replaces the default socket, as before");
    }

    @Test
    void plainHttpOnTheNetworkIsStillRefused() {
        IllegalArgumentException e = refused("--data-dir", dir.toString(), "--api-addr", "0.0.0.0:2375");
        assertTrue(e.getMessage().startsWith("--api-addr 0.0.0.0:2375: plain HTTP is only allowed on a loopback address"), e.getMessage());
    }

    @Test
    void filesWithoutTlsVerifyAreRefusedNotServedWithoutClientCertificates() throws Exception {
        Path[] f = files();
        IllegalArgumentException e = refused("--data-dir", dir.toString(), "--api-addr", "0.0.0.0:2376",
                "--tlscert", f[1].toString(), "--tlskey", f[2].toString());
        assertTrue(e.getMessage().startsWith("--tlscert needs --tlsverify"), e.getMessage());
        e = refused("--data-dir", dir.toString(), "--api-addr", "127.0.0.1:2376", "--tlscacert", f[0].toString());
        assertTrue(e.getMessage().startsWith("--tlscacert needs --tlsverify"), e.getMessage());
    }

    @Test
    void tlsVerifyNeedsATcpAddressAndACertificateNeedsItsKey() throws Exception {
        Path[] f = files();
        assertTrue(refused("--data-dir", dir.toString(), "--tlsverify").getMessage().startsWith("--tlsverify needs --api-addr"));
        assertEquals("--tlscert needs --tlskey", refused("--data-dir", dir.toString(), "--api-addr", "0.0.0.0", "--tlsverify",
                "--tlscert", f[1].toString()).getMessage());
        assertEquals("--tlskey needs --tlscert", refused("--data-dir", dir.toString(), "--api-addr", "0.0.0.0", "--tlsverify",
                "--tlskey", f[2].toString()).getMessage());
    }

    @Test
    void badFilesAreRefusedAtStartNamingTheFlag() throws Exception {
        Path[] f = files();
        Path missing = dir.resolve("nope.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        Path otherKey = dir.resolve("other/node.key");
        NodeCredentials.selfIssued(RootCa.create("cluster2"), "node2", NodeRole.WORKER, List.of()).save(dir.resolve("other"));
        String[] base = {"--data-dir", dir.toString(), "--api-addr", "0.0.0.0", "--tlsverify"};
        assertTrue(refused(concat(base, "--tlscacert", missing.toString())).getMessage().startsWith("--tlscacert " + missing + ": cannot read it"));
        assertTrue(refused(concat(base, "--tlscacert", garbage.toString())).getMessage().startsWith("--tlscacert " + garbage));
        assertTrue(refused(concat(base, "--tlscert", garbage.toString(), "--tlskey", f[2].toString())).getMessage()
                .startsWith("--tlscert " + garbage));
        IllegalArgumentException e = refused(concat(base, "--tlscert", f[1].toString(), "--tlskey", otherKey.toString()));
        assertEquals("--tlskey " + otherKey + ": the key does not belong to the certificate in --tlscert", e.getMessage());
        e = refused(concat(base, "--tlscert", f[1].toString(), "--tlskey", garbage.toString()));
        assertTrue(e.getMessage().startsWith("--tlskey " + garbage) && !e.getMessage().contains("hello"), e.getMessage());
    }

    @Test
    void allThreeFilesGiveTlsThatNeedsNoClusterAndASwarmInitKeepsIt() throws Exception {
        Path[] f = files();
        AgentConfig c = init("--data-dir", dir.toString(), "--api-addr", "0.0.0.0:2376", "--tlsverify",
                "--tlscacert", f[0].toString(), "--tlscert", f[1].toString(), "--tlskey", f[2].toString());
        assertTrue(!c.apiTls().servesNodeCertificate() && !c.apiTls().needsClusterCredentials());
        AgentConfig viaApi = SwarmRequestConfigs.forInit(c, new SwarmInitRequest(null, null, null, 0, List.of(), 0, false));
        assertEquals(c.apiTls(), viaApi.apiTls(), "a docker swarm init keeps the API's TLS");
    }

    private static String[] concat(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }
}
