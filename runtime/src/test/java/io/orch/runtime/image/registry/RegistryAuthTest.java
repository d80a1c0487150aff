package io.orch.runtime.image.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Docker's X-Registry-Auth header: what it carries, what is refused, and that the password never shows. */
class RegistryAuthTest {
    private static String url(String json) {
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesTheHeaderTheDockerCliSends() {
        RegistryAuth a = RegistryAuth.decode(url("{\"username\":\"alice\",\"password\":\"p?>w\",\"serveraddress\":\"reg.lan:5000\"}"))
                .orElseThrow();
        assertEquals("alice", a.username());
        assertEquals("p?>w", a.password());
        assertEquals("reg.lan:5000", a.serverAddress());
        assertEquals(new RegistryConfig.Credentials("alice", "p?>w"), a.credentials());
    }

    @Test
    void acceptsUnpaddedStandardAlphabetAndCapitalisedKeys() {
        String standard = Base64.getEncoder().withoutPadding().encodeToString(
                "{\"Username\":\"bob\",\"Password\":\"x/y+z??\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("bob", RegistryAuth.decode(standard).orElseThrow().username());
    }

    @Test
    void anEmptyLoginIsNoLogin() {
        assertEquals(Optional.empty(), RegistryAuth.decode("e30="), "{} is what docker sends without a login");
        assertEquals(Optional.empty(), RegistryAuth.decode(""));
        assertEquals(Optional.empty(), RegistryAuth.decode(null));
    }

    @Test
    void badHeadersAreRefusedNamingTheHeaderNeverItsValue() {
        String notBase64 = "%%%secret%%%";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode(notBase64));
        assertEquals("X-Registry-Auth: not valid base64", e.getMessage());
        String notJson = url("password=hunter2");
        e = assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode(notJson));
        assertEquals("X-Registry-Auth: not a JSON object", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
        RegistryAuth tokenOnly = RegistryAuth.decode(url("{\"identitytoken\":\"tok-123\"}")).orElseThrow();
        e = assertThrows(IllegalArgumentException.class, tokenOnly::credentials);
        assertTrue(e.getMessage().startsWith("X-Registry-Auth: identity tokens are not supported"), e.getMessage());
        assertFalse(e.getMessage().contains("tok-123"));
        assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode("e".repeat(RegistryAuth.MAX_ENCODED_LENGTH + 1)));
    }

    @Test
    void encodeRoundTripsAndToStringHidesThePassword() {
        RegistryAuth a = new RegistryAuth("alice", "s3cret-pw", "reg.lan:5000", "");
        assertEquals(Optional.of(a), RegistryAuth.decode(a.encode()));
        assertFalse(a.toString().contains("s3cret-pw"), a.toString());
        assertFalse(a.credentials().toString().contains("s3cret-pw"));
    }
}
