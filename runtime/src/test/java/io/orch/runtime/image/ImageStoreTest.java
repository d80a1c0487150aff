package io.orch.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path tmp;
    ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = new ImageStore(tmp.resolve("store"));
    }

    private static TestImages.Spec small() {
        return new TestImages.Spec()
                .layer(new TestImages.Layer().dir("etc").file("etc/hello", "one\n").file("etc/gone", "x")
                        .dir("data").file("data/a", "a").file("data/b", "b").symlink("etc/link", "hello"))
                .cmd("/bin/true").entrypoint("/bin/env").workingDir("/data")
                .healthcheck(List.of("CMD", "true"), Duration.ofSeconds(2).toNanos(), 5);
    }

    @Test
    void loadsDockerArchiveWithTagsConfigAndRootfs() throws Exception {
        Path archive = small().writeDockerArchive(tmp.resolve("img.tar"), "example/small:1.0");
        List<Image> loaded = store.load(archive);
        assertEquals(1, loaded.size());
        Image img = loaded.get(0);
        assertEquals(List.of("example/small:1.0"), img.repoTags());
        assertEquals("one\n", Files.readString(img.rootfs().resolve("etc/hello")));
        assertEquals(Path.of("hello"), Files.readSymbolicLink(img.rootfs().resolve("etc/link")));
        assertEquals(List.of("/bin/env"), img.config().entrypoint());
        assertEquals(List.of("/bin/true"), img.config().cmd());
        assertEquals("/data", img.config().workingDir());
        assertEquals(5, img.config().healthcheck().orElseThrow().retries());
        assertEquals(img.id(), store.resolve("example/small:1.0").orElseThrow().id());
        assertEquals(img.id(), store.resolve(img.id().hex().substring(0, 8)).orElseThrow().id());
        assertTrue(Files.exists(store.root().resolve("blobs/sha256/" + img.id().hex())), "config blob stored by digest");
    }

    @Test
    void loadsOciArchiveAndOciLayoutDirectoryWithGzipLayers() throws Exception {
        TestImages.Spec spec = small().gzip();
        Image fromArchive = store.load(spec.writeOciArchive(tmp.resolve("oci.tar"), "example/oci:2")).get(0);
        assertEquals(List.of("example/oci:2"), fromArchive.repoTags());
        assertEquals("b", Files.readString(fromArchive.rootfs().resolve("data/b")));

        ImageStore other = new ImageStore(tmp.resolve("store2"));
        Image fromDir = other.load(spec.writeOciLayout(tmp.resolve("layout"), "latest")).get(0);
        assertEquals(fromArchive.id(), fromDir.id(), "same config, same id");
        assertEquals(List.of(), fromDir.repoTags(), "a bare tag in ref.name names no repository");
    }

    @Test
    void appliesWhiteoutsAndOpaqueDirectoriesOfUpperLayers() throws Exception {
        TestImages.Spec spec = small().layer(new TestImages.Layer().whiteout("etc/gone")
                .file("data/.wh..wh..opq", "").file("data/c", "c"));
        Image img = store.load(spec.writeDockerArchive(tmp.resolve("wh.tar"), "wh:latest")).get(0);
        Path root = img.rootfs();
        assertFalse(Files.exists(root.resolve("etc/gone")), "whiteout removed etc/gone");
        assertTrue(Files.exists(root.resolve("etc/hello")));
        assertFalse(Files.exists(root.resolve("data/a")), "opaque dir hides the lower layer's files");
        assertFalse(Files.exists(root.resolve("data/.wh..wh..opq")));
        assertEquals("c", Files.readString(root.resolve("data/c")), "files of the opaque layer itself stay");
    }

    @Test
    void reloadingMovesTheTagAndRemoveUntagsThenDeletes() throws Exception {
        Image first = store.load(small().writeDockerArchive(tmp.resolve("a.tar"), "app:1", "app:latest")).get(0);
        Image second = store.load(small().cmd("/bin/other").writeDockerArchive(tmp.resolve("b.tar"), "app:latest")).get(0);
        assertEquals(List.of("app:1"), store.resolve("app:1").orElseThrow().repoTags(), "latest moved to the new image");
        assertEquals(second.id(), store.resolve("app").orElseThrow().id());

        assertEquals(List.of("Untagged: app:1", "Deleted: " + first.id()), store.remove("app:1", false, i -> false));
        assertTrue(store.resolve(first.id().hex()).isEmpty());
        assertFalse(Files.exists(first.rootfs()));
        assertThrows(ImageException.class, () -> store.remove("app:latest", false, i -> true), "in use");
        assertEquals(1, store.list().size());
    }

    @Test
    void refusesALayerThatDoesNotMatchItsDiffIdAndLeavesNoImage() throws Exception {
        Path good = tmp.resolve("good");
        small().writeOciLayout(good, "x:1");
        // Corrupt the config's diff id while keeping every blob digest consistent would need a
        // rewrite; corrupting a layer blob breaks its descriptor digest, which must be caught.
        try (var blobs = Files.list(good.resolve("blobs/sha256"))) {
            for (Path b : blobs.toList()) {
                byte[] bytes = Files.readAllBytes(b);
                if (bytes.length > 1000) { // the layer, not the small JSON documents
                    bytes[600] ^= 1;
                    Files.write(b, bytes);
                }
            }
        }
        ImageException e = assertThrows(ImageException.class, () -> store.load(good));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void refusesEntriesThatClimbOutOfTheRootfs() throws Exception {
        Path layer = tmp.resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(layer); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("x");
            byte[] b = "owned".getBytes(StandardCharsets.UTF_8);
            e.setSize(b.length);
            tar.putArchiveEntry(e);
            tar.write(b);
            tar.closeArchiveEntry();
        }
        // A symlink pointing at the host's root must be followed inside the rootfs, not on the host.
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createSymbolicLink(root.resolve("escape"), Path.of("/"));
        assertEquals(root.resolve("tmp"), RootedPath.resolve(root, "escape/tmp"));
        assertEquals(root.resolve("etc"), RootedPath.resolve(root, "../../etc"));
        assertThrows(ImageException.class, () -> LayerUnpacker.clean("a/../../etc/passwd"));
    }

    @Test
    void aMissingArchiveOrAForeignFileIsOneClearError() throws Exception {
        assertTrue(assertThrows(ImageException.class, () -> store.load(tmp.resolve("nope.tar"))).getMessage()
                .contains("no such file"));
        Path notTar = Files.writeString(tmp.resolve("x.txt"), "hello");
        assertThrows(ImageException.class, () -> store.load(notTar));
    }
}
