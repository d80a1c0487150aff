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
        assertEquals("--api-addr 0.0.0.0:2375: plain HTTP is only allowed on a loopback address until TLS is configured", e.getMessage());
    }
}
