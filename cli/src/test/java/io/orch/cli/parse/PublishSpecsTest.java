package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishSpecsTest {
    @Test
    void shortSyntaxDefaultsToTcpIngress() {
        assertEquals(new PortConfig("tcp", 80, 8080, "ingress"), PublishSpecs.parse("8080:80"));
    }

    @Test
    void shortSyntaxTakesAProtocol() {
        assertEquals(new PortConfig("udp", 53, 5353, "ingress"), PublishSpecs.parse("5353:53/udp"));
    }

    @Test
    void targetOnlyLeavesThePublishedPortToTheServer() {
        assertEquals(new PortConfig("tcp", 80, 0, "ingress"), PublishSpecs.parse("80"));
    }

    @Test
    void longSyntaxReadsEveryField() {
        assertEquals(new PortConfig("udp", 80, 8080, "host"), PublishSpecs.parse("published=8080,target=80,mode=host,protocol=udp"));
    }

    @Test
    void longSyntaxDefaultsModeAndProtocol() {
        assertEquals(new PortConfig("tcp", 80, 0, "ingress"), PublishSpecs.parse("target=80"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "80:abc", "abc:80", "8080:80/xyz", "1:2:3", "70000:80", "8080:0",
            "published=8080", "target=80,mode=bridge", "target=80,color=red", "target=80,published"})
    void rejectsMalformedSpecs(String text) {
        assertThrows(InvalidValueException.class, () -> PublishSpecs.parse(text));
    }
}
