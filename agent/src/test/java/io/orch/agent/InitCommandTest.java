package io.orch.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InitCommandTest {
    private static AgentConfig parse(String... args) throws Exception {
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs(args);
        return init.config();
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:12377, 127.0.0.1, 12377",
            ":2377, 0.0.0.0, 2377",
            "10.0.0.1, 10.0.0.1, 2377",
            "[::1]:4000, ::1, 4000",
    })
    void hostPortForms(String value, String host, int port) {
        AgentConfig.HostPort hp = AgentConfig.HostPort.parse("--listen-addr", value, 2377);
        assertEquals(host, hp.host());
        assertEquals(port, hp.port());
    }

    @Test
    void badPortsNameTheFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.HostPort.parse("--listen-addr", "h:x", 1));
        assertEquals("--listen-addr h:x: port \"x\" is not a number", e.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> AgentConfig.HostPort.parse("--gossip-addr", "h:70000", 1));
        assertEquals("--gossip-addr h:70000: port must be between 1 and 65535", range.getMessage());
    }

    @Test
    void raftPortIsDerivedFromTheListenPort() throws Exception {
        AgentConfig c = parse("--data-dir", "/tmp/x", "--listen-addr", "127.0.0.1:12377", "--api-addr", "127.0.0.1:12375");
        assertEquals(new AgentConfig.HostPort("127.0.0.1", 12379), c.raftAddr());
    }

    @Test
    void aTcpApiAddressReplacesTheDefaultSocketAndMustBeLoopback() throws Exception {
        assertNull(parse("--api-addr", "127.0.0.1:2375").apiSocket());
        assertEquals(Path.of("/tmp/o.sock"), parse("--api-addr", "127.0.0.1:2375", "--api-socket", "/tmp/o.sock").apiSocket());
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--api-addr", "0.0.0.0:2375"));
        assertEquals("--api-addr 0.0.0.0:2375: plain HTTP is only allowed on a loopback address (add --tlsverify to serve TLS with client certificates)", e.getMessage());
    }

    @Test
    void addressPoolFlagsAreParsedAndDefaultToSwarmsValues() throws Exception {
        AgentConfig defaults = parse("--api-addr", "127.0.0.1:2375");
        assertEquals(new io.orch.agent.manager.ClusterBootstrap.AddressPools(java.util.List.of("10.0.0.0/8"), 24, 4789),
                defaults.addressPools());
        AgentConfig c = parse("--api-addr", "127.0.0.1:2375", "--default-addr-pool", "10.10.0.0/16",
                "--default-addr-pool", "192.168.0.0/20", "--default-addr-pool-mask-length", "26", "--data-path-port", "7789");
        assertEquals(java.util.List.of("10.10.0.0/16", "192.168.0.0/20"), c.addressPools().pools());
        assertEquals(26, c.addressPools().subnetSize());
        assertEquals(7789, c.addressPools().dataPathPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--default-addr-pool|10.0.0/8|--default-addr-pool 10.0.0/8: 10.0.0/8 is not an IPv4 CIDR (A.B.C.D/N)",
            "--default-addr-pool|10.1.0.0/8|--default-addr-pool 10.1.0.0/8: 10.1.0.0/8 has host bits set (did you mean 10.0.0.0/8?)",
            "--default-addr-pool-mask-length|30|--default-addr-pool-mask-length 30: must be between 8 (the longest pool prefix) and 29",
            "--default-addr-pool-mask-length|7|--default-addr-pool-mask-length 7: must be between 8 (the longest pool prefix) and 29",
            "--data-path-port|80|--data-path-port 80: must be between 1024 and 49151",
            "--data-path-port|50000|--data-path-port 50000: must be between 1024 and 49151",
    })
    void badAddressPoolFlagsAreRefusedWithOneLineNamingTheFlag(String flag, String value, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--api-addr", "127.0.0.1:2375", flag, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theMaskLengthMustFitTheLongestPool() {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--api-addr", "127.0.0.1:2375",
                "--default-addr-pool", "10.0.0.0/8", "--default-addr-pool", "192.168.1.0/24", "--default-addr-pool-mask-length", "20"));
        assertEquals("--default-addr-pool-mask-length 20: must be between 24 (the longest pool prefix) and 29", e.getMessage());
    }
}
