package io.orch.agent.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loggers from slf4j write through the agent's provider, at the level and in the format set. */
class OrchLoggerTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream sink = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void configure(LogLevel level, LogFormat format) {
        AgentLogging.configure(level, format, () -> sink);
    }

    @AfterEach
    void restoreDefaults() {
        LogOutput.use(LogSettings.defaults());
    }

    @Test
    void slf4jFindsTheAgentsProvider() {
        assertInstanceOf(OrchLogger.class, LoggerFactory.getLogger("io.orch.test"));
    }

    @Test
    void eventsBelowTheLevelAreNotWrittenAndALoggerMadeBeforeConfigurationFollowsIt() {
        Logger log = LoggerFactory.getLogger("io.orch.test.before");
        configure(LogLevel.WARN, LogFormat.TEXT);
        log.info("not written");
        log.warn("written {}", 1);
        assertFalse(out().contains("not written"));
        assertTrue(out().contains(" WARN  [" + Thread.currentThread().getName() + "] io.orch.test.before - written 1\n"), out());
        configure(LogLevel.TRACE, LogFormat.TEXT);
        assertTrue(log.isTraceEnabled());
    }

    @Test
    void anExpectedFailureAtWarnOrInfoIsOneLineWithoutItsStack() {
        configure(LogLevel.INFO, LogFormat.TEXT);
        Logger log = LoggerFactory.getLogger("io.orch.test.tls");
        log.warn("refused a TLS handshake from {}", "10.0.0.9:4412", new SSLHandshakeException("Empty client certificate chain"));
        log.info("peer gone", new IOException("Connection reset by peer"));
        String[] lines = out().split("\n");
        assertEquals(2, lines.length, out());
        assertTrue(lines[0].endsWith(" - refused a TLS handshake from 10.0.0.9:4412: javax.net.ssl.SSLHandshakeException: "
                + "Empty client certificate chain"), lines[0]);
        assertTrue(lines[1].endsWith(" - peer gone: java.io.IOException: Connection reset by peer"), lines[1]);
    }

    @Test
    void anErrorAlwaysHasItsStackAndAWarningHasItAtDebug() {
        configure(LogLevel.INFO, LogFormat.TEXT);
        Logger log = LoggerFactory.getLogger("io.orch.test.stack");
        log.error("unexpected", new IllegalStateException("bug"));
        assertTrue(out().contains("\n\tat io.orch.agent.logging.OrchLoggerTest"), out());
        bytes.reset();
        configure(LogLevel.DEBUG, LogFormat.TEXT);
        log.warn("expected", new IOException("gone"));
        assertTrue(out().contains("\n\tat io.orch.agent.logging.OrchLoggerTest"), out());
    }

    @Test
    void embeddedLibrariesStayAtWarnUnlessDebugging() {
        configure(LogLevel.INFO, LogFormat.TEXT);
        LoggerFactory.getLogger("org.apache.ratis.server.RaftServer").info("election noise");
        LoggerFactory.getLogger("io.netty.channel.X").info("netty noise");
        LoggerFactory.getLogger("io.grpc.internal.Y").warn("grpc warning");
        LoggerFactory.getLogger("org.apache.ratis.client.impl.OrderedAsync").error("first try failed");
        assertFalse(out().contains("noise") || out().contains("first try"), out());
        assertTrue(out().contains("grpc warning"), out());
        bytes.reset();
        configure(LogLevel.DEBUG, LogFormat.TEXT);
        LoggerFactory.getLogger("org.apache.ratis.server.RaftServer").info("election noise");
        LoggerFactory.getLogger("io.netty.channel.X").debug("netty noise");
        assertTrue(out().contains("election noise") && out().contains("netty noise"), out());
    }

    @Test
    void javaUtilLoggingGoesThroughTheSameRules() {
        configure(LogLevel.INFO, LogFormat.JSON);
        java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerTransport")
                .log(java.util.logging.Level.INFO, "Transport failed", new SSLHandshakeException("refused"));
        java.util.logging.Logger.getLogger("io.orch.test.jul").log(java.util.logging.Level.WARNING, "jul {0}",
                new Object[] {"warned"});
        String[] lines = out().split("\n");
        assertEquals(1, lines.length, out());
        assertTrue(lines[0].contains("\"level\":\"WARN\",\"logger\":\"io.orch.test.jul\"") && lines[0].contains("\"msg\":\"jul warned\""),
                lines[0]);
    }

    @Test
    void jsonFormatWritesOneObjectPerLine() throws IOException {
        configure(LogLevel.INFO, LogFormat.JSON);
        Logger log = LoggerFactory.getLogger("io.orch.test.json");
        log.info("a \"b\"\nc");
        log.warn("w", new IOException("x"));
        log.atInfo().setMessage("fluent {}").addArgument(2).log();
        String[] lines = out().split("\n");
        assertEquals(3, lines.length, out());
        ObjectMapper json = new ObjectMapper();
        assertEquals("a \"b\"\nc", json.readTree(lines[0]).get("msg").asText());
        assertEquals("java.io.IOException: x", json.readTree(lines[1]).get("error").asText());
        assertFalse(json.readTree(lines[1]).has("stack"));
        assertEquals("fluent 2", json.readTree(lines[2]).get("msg").asText());
    }
}
