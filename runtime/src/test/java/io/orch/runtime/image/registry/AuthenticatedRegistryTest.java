package io.orch.runtime.image.registry;

import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the real distribution registry with htpasswd auth (Basic): a login is checked the way
 * docker login checks it, a pull needs the login the task or request carries, and neither the
 * password nor the encoded header ever reaches the log (captured from slf4j-simple's stderr, with
 * the registry package at debug level, see simplelogger.properties).
 */
class AuthenticatedRegistryTest {
    private static final String PASSWORD = "s3cret-Pw-4711";
    @TempDir
    static Path tmp;
    static AuthenticatedRegistry registry;
    static String ref;

    @BeforeAll
    static void start() throws Exception {
        Optional<String> missing = TestImages.unavailableReason().or(AuthenticatedRegistry::missingTools);
        if (missing.isPresent()) {
            System.out.println("SKIPPED AuthenticatedRegistryTest: " + missing.get());
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.get());
        registry = new AuthenticatedRegistry(tmp.resolve("registry"), "alice", PASSWORD);
        Path archive = TestImages.busybox().cmd("sh", "-c", "echo hi").writeOciArchive(tmp.resolve("busybox-oci.tar"), "1.0");
        ref = registry.push(archive, "private/busybox:1.0");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryConfig withLogin(String password) {
        return RegistryConfig.defaults().withCredentials(registry.address, new RegistryConfig.Credentials("alice", password));
    }

    @Test
    void loginSucceedsWithTheRightPasswordOnly() throws Exception {
        assertEquals("", new RegistryClient(withLogin(PASSWORD)).login(registry.address), "htpasswd registries hand out no identity token");
        RegistryException e = assertThrows(RegistryException.class, () -> new RegistryClient(withLogin("wrong")).login(registry.address));
        assertEquals("unauthorized: incorrect username or password", e.getMessage());
    }

    @Test
    void aPullNeedsTheLoginAndWorksWithTheOneTheHeaderCarries() throws Exception {
        ImagePuller anonymous = new ImagePuller(new ImageStore(tmp.resolve("store-a")), RegistryConfig.defaults());
        RegistryException e = assertThrows(RegistryException.class, () -> anonymous.pull(ref, PullProgress.NONE));
        assertTrue(e.getMessage().contains("requires a login"), e.getMessage());

        String header = new RegistryAuth("alice", PASSWORD, registry.address, "").encode();
        ImageStore store = new ImageStore(tmp.resolve("store-b"));
        List<String> progress = new ArrayList<>();
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ImagePuller puller = new ImagePuller(store, RegistryConfig.defaults()).withAuth(ref, RegistryAuth.decode(header));
            puller.ensure(ref, RegistryAuth.decode(header), progress::add);
            RegistryException refused = assertThrows(RegistryException.class,
                    () -> new ImagePuller(new ImageStore(tmp.resolve("store-c")), RegistryConfig.defaults())
                            .withAuth(ref, Optional.of(new RegistryAuth("alice", "not-" + PASSWORD, "", "")))
                            .pull(ref, PullProgress.NONE));
            assertFalse(refused.getMessage().contains(PASSWORD), refused.getMessage());
        } finally {
            System.setErr(realErr);
        }
        assertTrue(store.resolve(ref).isPresent());
        assertEquals(List.of("pulling image " + ref), progress);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("pulled " + ref), "the pull was logged, so the capture works: " + log);
        assertFalse(log.contains(PASSWORD), log);
        assertFalse(log.contains(header), log);
        assertFalse(log.contains(new RegistryConfig.Credentials("alice", PASSWORD).basicHeader().substring(6)), log);
    }
}
