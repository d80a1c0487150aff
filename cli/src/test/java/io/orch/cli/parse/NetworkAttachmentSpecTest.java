package io.orch.cli.parse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkAttachmentSpecTest {
    @Test
    void aBareNameIsTheTarget() {
        assertEquals(new NetworkAttachmentSpec("front", List.of(), Map.of()), NetworkAttachmentSpec.parse("front"));
    }

    @Test
    void theLongFormCarriesAliasesAndDriverOptions() {
        NetworkAttachmentSpec n = NetworkAttachmentSpec.parse("name=front,alias=web,alias=www,driver-opt=com.example.x=1");
        assertEquals("front", n.target());
        assertEquals(List.of("web", "www"), n.aliases());
        assertEquals(Map.of("com.example.x", "1"), n.driverOpts());
    }

    @Test
    void badFieldsAreNamed() {
        assertTrue(assertThrows(InvalidValueException.class, () -> NetworkAttachmentSpec.parse("alias=web"))
                .getMessage().contains("missing name="));
        assertTrue(assertThrows(InvalidValueException.class, () -> NetworkAttachmentSpec.parse("name=a,colour=red"))
                .getMessage().contains("\"colour\""));
        assertTrue(assertThrows(InvalidValueException.class, () -> NetworkAttachmentSpec.parse("name=a,driver-opt=x"))
                .getMessage().contains("driver-opt"));
    }
}
