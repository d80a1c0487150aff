package io.orch.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.image.Digest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
    private static final String HEX = "ab".repeat(32);

    @ParameterizedTest
    @CsvSource({
            // reference,                      registry,           repository,        tag,    familiar tag
            "busybox,                          docker.io,          library/busybox,   latest, busybox:latest",
            "busybox:1.36,                     docker.io,          library/busybox,   1.36,   busybox:1.36",
            "docker.io/library/busybox:1,      docker.io,          library/busybox,   1,      busybox:1",
            "index.docker.io/foo/bar,          docker.io,          foo/bar,           latest, foo/bar:latest",
            "foo/bar:2,                        docker.io,          foo/bar,           2,      foo/bar:2",
            "localhost/app,                    localhost,          app,               latest, localhost/app:latest",
            "127.0.0.1:5000/a/b/c:v1.2-rc_3,   127.0.0.1:5000,     a/b/c,             v1.2-rc_3, 127.0.0.1:5000/a/b/c:v1.2-rc_3",
            "registry.example.com/team/app:9,  registry.example.com, team/app,        9,      registry.example.com/team/app:9",
    })
    void parsesLikeDocker(String ref, String registry, String repository, String tag, String familiar) {
        ImageReference r = ImageReference.parse(ref);
        assertEquals(registry, r.registry());
        assertEquals(repository, r.repository());
        assertEquals(Optional.of(tag), r.tag());
        assertEquals(Optional.of(familiar), r.familiarTag());
        assertEquals(registry.equals("docker.io") ? "registry-1.docker.io" : registry, r.apiHost());
    }

    @Test
    void digestPinsWithoutDefaultTag() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/app@sha256:" + HEX);
        assertEquals(Optional.empty(), r.tag());
        assertEquals(Optional.of(new Digest(HEX)), r.digest());
        assertEquals("sha256:" + HEX, r.manifestReference());
        ImageReference both = ImageReference.parse("busybox:1@sha256:" + HEX);
        assertEquals(Optional.of("1"), both.tag());
        assertEquals("sha256:" + HEX, both.manifestReference(), "the digest decides what is fetched");
        assertEquals("busybox@sha256:" + HEX, both.repoDigest(new Digest(HEX)));
    }

    @Test
    void explicitRegistryIsADomainWithDotOrPortOrLocalhost() {
        assertTrue(ImageReference.parse("registry.example/app").explicitRegistry());
        assertTrue(ImageReference.parse("host:5000/app").explicitRegistry());
        assertTrue(ImageReference.parse("localhost/app").explicitRegistry());
        assertFalse(ImageReference.parse("busybox").explicitRegistry());
        assertFalse(ImageReference.parse("team/app").explicitRegistry());
    }

    @Test
    void badReferencesNameWhatIsWrong() {
        assertEquals("image reference is empty", assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(" ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("Busybox")).getMessage()
                .contains("invalid repository name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("busybox:bad tag")).getMessage()
                .contains("invalid tag"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("busybox@md5:abc")).getMessage()
                .contains("unsupported digest algorithm"));
    }

    @Test
    void challengesParseQuotedParameters() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"").orElseThrow();
        assertTrue(c.isBearer());
        assertEquals(Optional.of("https://auth.example/token"), c.param("realm"));
        assertEquals(Optional.of("registry.example"), c.param("service"));
        assertEquals(Optional.of("repository:a/b:pull,push"), c.param("scope"), "commas inside quotes stay");
        AuthChallenge basic = AuthChallenge.parse("Basic realm=basic-realm").orElseThrow();
        assertTrue(basic.isBasic());
        assertEquals(Optional.of("basic-realm"), basic.param("realm"));
        assertEquals(Optional.empty(), AuthChallenge.parse(""));
    }

    @Test
    void loopbackAndListedRegistriesUsePlainHttp() {
        RegistryConfig c = RegistryConfig.defaults().withInsecure(java.util.Set.of("build.lan:5000"));
        assertTrue(c.plainHttp("127.0.0.1:5000"));
        assertTrue(c.plainHttp("localhost"));
        assertTrue(c.plainHttp("[::1]:5000"));
        assertTrue(c.plainHttp("build.lan:5000"));
        assertFalse(c.plainHttp("build.lan"));
        assertFalse(c.plainHttp("docker.io"));
        assertFalse(new RegistryConfig.Credentials("alice", "s3cret").toString().contains("s3cret"));
    }
}
