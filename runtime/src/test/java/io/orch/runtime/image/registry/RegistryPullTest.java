package io.orch.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls through the token flow, a manifest list, blob redirects and digest checks (a fake registry on JDK HttpServer). */
class RegistryPullTest {
    @TempDir
    Path tmp;
    FakeRegistry registry;
    ImageStore store;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(TestImages.unavailableReason().isEmpty(), () -> TestImages.unavailableReason().get());
        Path layout = TestImages.busybox().gzip().writeOciLayout(tmp.resolve("layout"), null);
        registry = new FakeRegistry(layout, "test/busybox", "1.0");
        store = new ImageStore(tmp.resolve("store"));
    }

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    private ImagePuller puller(RegistryConfig config) {
        return new ImagePuller(store, new RegistryClient(config), "amd64");
    }

    private PullResult pull(String ref) throws Exception {
        return puller(RegistryConfig.defaults()).pull(ref, (status, id) -> progress.add(status));
    }

    @Test
    void pullsTheAmd64EntryOfAManifestListThroughTokenAuth() throws Exception {
        String ref = registry.reference("1.0");
        PullResult result = pull(ref);

        Image image = result.image();
        assertTrue(result.downloaded());
        assertEquals(registry.listDigest, result.manifestDigest(), "docker reports the digest the tag resolved to");
        assertEquals(registry.configDigest, image.id());
        assertEquals(List.of(ref), image.repoTags());
        assertEquals(List.of(registry.registry() + "/test/busybox@" + registry.listDigest), image.repoDigests());
        assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX), Files.readAllBytes(image.rootfs().resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(image.rootfs().resolve("bin/sh")));
        assertEquals("hello from orch\n", Files.readString(image.rootfs().resolve("www/index.html")));
        assertEquals(image.id(), store.resolve(ref).orElseThrow().id());
        assertEquals(image.id(), store.resolve(registry.registry() + "/test/busybox@" + registry.listDigest).orElseThrow().id(),
                "resolvable by the digest it was pulled by");

        assertFalse(registry.requests.stream().anyMatch(p -> p.endsWith(registry.arm64Manifest.toString())),
                "the arm64 manifest is never fetched: " + registry.requests);
        assertEquals(List.of("null"), registry.tokenAuthorizations, "one anonymous token request");
        assertFalse(registry.storageAuthorizations.isEmpty());
        assertTrue(registry.storageAuthorizations.stream().allMatch("null"::equals),
                "the registry token is not sent to the storage host a blob redirects to");
        assertEquals("Pulling from test/busybox", progress.get(0));
        assertTrue(progress.contains("Pulling fs layer") && progress.contains("Download complete"), progress.toString());
        assertEquals(List.of("Digest: " + registry.listDigest, "Status: Downloaded newer image for " + ref),
                progress.subList(progress.size() - 2, progress.size()));
    }

    @Test
    void pullingAgainDownloadsNothing() throws Exception {
        String ref = registry.reference("1.0");
        pull(ref);
        long blobFetches = registry.requests.stream().filter(p -> p.startsWith("/storage/")).count();
        progress.clear();
        PullResult again = pull(ref);
        assertFalse(again.downloaded());
        assertEquals(blobFetches, registry.requests.stream().filter(p -> p.startsWith("/storage/")).count());
        assertEquals("Status: Image is up to date for " + ref, progress.get(progress.size() - 1));
        assertEquals(1, store.list().size());
    }

    @Test
    void pullsByDigest() throws Exception {
        String ref = registry.reference(registry.amd64Manifest.toString());
        Image image = pull(ref).image();
        assertEquals(List.of(), image.repoTags(), "a digest pull adds no tag");
        assertEquals(List.of(registry.registry() + "/test/busybox@" + registry.amd64Manifest), image.repoDigests());
        assertEquals(image.id(), store.resolve(ref).orElseThrow().id());
    }

    @Test
    void corruptedLayerFailsTheDigestCheckAndStoresNothing() throws Exception {
        registry.corruptBlob = registry.layerDigest.toString();
        RegistryException e = assertThrows(RegistryException.class, () -> pull(registry.reference("1.0")));
        assertEquals("blob " + registry.layerDigest + " from " + registry.registry() + "/test/busybox failed digest verification: "
                + "its content hashes to sha256:", e.getMessage().substring(0, e.getMessage().lastIndexOf(':') + 1));
        assertEquals(List.of(), store.list());
        try (var staging = Files.list(store.root().resolve("tmp"))) {
            assertEquals(0, staging.count(), "nothing left in the staging area");
        }
        try (var blobs = Files.list(store.root().resolve("blobs/sha256"))) {
            assertEquals(0, blobs.count(), "no blob stored");
        }
    }

    @Test
    void corruptedConfigFailsTheDigestCheck() throws Exception {
        registry.corruptBlob = registry.configDigest.toString();
        RegistryException e = assertThrows(RegistryException.class, () -> pull(registry.reference("1.0")));
        assertTrue(e.getMessage().startsWith("blob " + registry.configDigest + " from "), e.getMessage());
        assertEquals(List.of(), store.list());
    }

    @Test
    void tokenServerLoginUsesConfiguredCredentialsAndNeverShowsThePassword() throws Exception {
        registry.requiredLogin = "alice:s3cret";
        String ref = registry.reference("1.0");
        RegistryException anonymous = assertThrows(RegistryException.class, () -> pull(ref));
        assertEquals("pull access denied for " + registry.registry() + "/test/busybox, repository does not exist or may require authorization",
                anonymous.getMessage());

        RegistryConfig wrong = RegistryConfig.defaults().withCredentials(registry.registry(), new RegistryConfig.Credentials("alice", "nope"));
        RegistryException refused = assertThrows(RegistryException.class, () -> puller(wrong).pull(ref, PullProgress.NONE));
        assertEquals("registry " + registry.registry() + " refused the login of user alice", refused.getMessage());

        RegistryConfig right = RegistryConfig.defaults().withCredentials(registry.registry(), new RegistryConfig.Credentials("alice", "s3cret"));
        Image image = puller(right).pull(ref, PullProgress.NONE).image();
        assertEquals(List.of(ref), image.repoTags());
    }

    @Test
    void unknownTagSaysManifestUnknown() {
        RegistryException e = assertThrows(RegistryException.class, () -> pull(registry.reference("nope")));
        assertEquals("manifest for " + registry.registry() + "/test/busybox:nope not found: manifest unknown", e.getMessage());
    }

    @Test
    void unreachableRegistryIsOneClearLine() {
        int closedPort = TestPorts.free();
        RegistryException e = assertThrows(RegistryException.class, () -> pull("127.0.0.1:" + closedPort + "/x:1"));
        assertEquals("cannot reach registry at http://127.0.0.1:" + closedPort + ": connection refused", e.getMessage());
    }

    @Test
    void ensurePullsOnlyMissingImagesThatNameARegistry() throws Exception {
        ImagePuller puller = puller(RegistryConfig.defaults());
        String ref = registry.reference("1.0");
        List<String> statuses = new ArrayList<>();
        Image pulled = puller.ensure(ref, statuses::add);
        assertEquals(List.of("pulling image " + ref), statuses);
        statuses.clear();
        assertEquals(pulled.id(), puller.ensure(ref, statuses::add).id());
        assertEquals(List.of(), statuses, "present: no pull");

        ImageException e = assertThrows(ImageException.class, () -> puller.ensure("busybox:absent", statuses::add));
        assertEquals("image busybox:absent is not on this node and its reference names no registry to pull it from"
                + " (load it with: orch image load -i FILE)", e.getMessage());
    }

    @Test
    void theObserverHearsEachPullFromARegistryAndHowItEnded() throws Exception {
        List<Boolean> heard = new ArrayList<>();
        List<Long> took = new ArrayList<>();
        ImagePuller observed = puller(RegistryConfig.defaults()).observedBy((ok, nanos) -> {
            heard.add(ok);
            took.add(nanos);
        });
        observed.pull(registry.reference("1.0"), PullProgress.NONE);
        assertThrows(RegistryException.class, () -> observed.pull(registry.reference("no-such-tag"), PullProgress.NONE));
        observed.ensure(registry.reference("1.0"), status -> { }); // in the store already: no pull
        assertEquals(List.of(true, false), heard);
        assertTrue(took.stream().allMatch(n -> n > 0), "each pull took its time: " + took);
    }
}
