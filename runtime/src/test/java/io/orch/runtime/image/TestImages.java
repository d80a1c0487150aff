package io.orch.runtime.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small test images without a network: Debian's busybox-static as /bin/busybox with
 * applet symlinks and /etc/passwd, packed in Java as docker-archive, oci-archive or OCI layout.
 * Also used by other modules' tests (published in this module's test jar).
 */
public final class TestImages {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** Why busybox images cannot be built here, or empty when they can. */
    public static Optional<String> unavailableReason() {
        if (!Files.isExecutable(BUSYBOX)) {
            return Optional.of(BUSYBOX + " not found (apt-get install busybox-static)");
        }
        try {
            Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !out.contains("sh")) {
                return Optional.of(BUSYBOX + " --list failed: not the busybox-static build?");
            }
            if (hasInterpreter(Files.readAllBytes(BUSYBOX))) {
                return Optional.of(BUSYBOX + " is dynamically linked; install busybox-static");
            }
        } catch (IOException | InterruptedException e) {
            return Optional.of("cannot run " + BUSYBOX + ": " + e);
        }
        return Optional.empty();
    }

    /** Whether an ELF64 little-endian binary asks for a dynamic loader (a PT_INTERP program header). */
    static boolean hasInterpreter(byte[] elf) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[4] != 2) {
            return false; // not ELF64: let the run itself tell
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == 3) {
                return true;
            }
        }
        return false;
    }

    /** One layer: files by path (content), symlinks (path -> target), and whiteout names. */
    public static final class Layer {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Map<String, Integer> modes = new LinkedHashMap<>();
        final Map<String, String> symlinks = new LinkedHashMap<>();
        final List<String> dirs = new ArrayList<>();

        public Layer dir(String path) {
            dirs.add(path);
            return this;
        }

        public Layer file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        public Layer file(String path, byte[] content, int mode) {
            files.put(path, content);
            modes.put(path, mode);
            return this;
        }

        public Layer symlink(String path, String target) {
            symlinks.put(path, target);
            return this;
        }

        /** Deletes {@code path} of the layers below. */
        public Layer whiteout(String path) {
            int slash = path.lastIndexOf('/');
            return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0], 0644);
        }

        byte[] tar() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (String d : dirs) {
                    TarArchiveEntry e = new TarArchiveEntry(d + "/");
                    e.setMode(040755);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                    e.setSize(f.getValue().length);
                    e.setMode(0100000 | modes.get(f.getKey()));
                    tar.putArchiveEntry(e);
                    tar.write(f.getValue());
                    tar.closeArchiveEntry();
                }
                for (Map.Entry<String, String> l : symlinks.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(l.getKey(), TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(l.getValue());
                    e.setMode(0120777);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
            }
            return bytes.toByteArray();
        }
    }

    /** The busybox base layer: /bin/busybox, every applet as a symlink, /etc/passwd and /etc/group. */
    public static Layer busyboxLayer() throws IOException, InterruptedException {
        Layer l = new Layer().dir("bin").dir("etc").dir("tmp").dir("proc").dir("sys").dir("dev").dir("root").dir("www");
        l.file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755);
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                l.symlink("bin/" + applet.trim(), "busybox");
            }
        }
        p.waitFor();
        l.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        l.file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        l.file("www/index.html", "hello from orch\n");
        return l;
    }

    /** An image: layers bottom-up plus the parts of the config tests care about. */
    public static final class Spec {
        final List<Layer> layers = new ArrayList<>();
        List<String> cmd = List.of("sh");
        List<String> entrypoint = List.of();
        List<String> env = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        String workingDir = "";
        List<String> healthTest = List.of();
        long healthIntervalNanos;
        int healthRetries;
        boolean gzipLayers;

        public Spec layer(Layer l) {
            layers.add(l);
            return this;
        }

        public Spec cmd(String... cmd) {
            this.cmd = List.of(cmd);
            return this;
        }

        public Spec entrypoint(String... ep) {
            this.entrypoint = List.of(ep);
            return this;
        }

        public Spec env(String... env) {
            List<String> all = new ArrayList<>(this.env);
            all.addAll(List.of(env));
            this.env = all;
            return this;
        }

        public Spec workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Spec healthcheck(List<String> test, long intervalNanos, int retries) {
            this.healthTest = List.copyOf(test);
            this.healthIntervalNanos = intervalNanos;
            this.healthRetries = retries;
            return this;
        }

        public Spec gzip() {
            this.gzipLayers = true;
            return this;
        }

        /** Layer blobs (possibly gzipped) and the config JSON with matching diff ids. */
        Built build() throws IOException {
            List<byte[]> blobs = new ArrayList<>();
            ObjectNode config = JSON.createObjectNode();
            config.put("architecture", ArchiveLayout.hostArchitecture()).put("os", "linux")
                    .put("created", "2024-01-01T00:00:00Z");
            ObjectNode c = config.putObject("config");
            strings(c.putArray("Cmd"), cmd);
            if (!entrypoint.isEmpty()) {
                strings(c.putArray("Entrypoint"), entrypoint);
            }
            strings(c.putArray("Env"), env);
            c.put("WorkingDir", workingDir);
            if (!healthTest.isEmpty()) {
                ObjectNode h = c.putObject("Healthcheck");
                strings(h.putArray("Test"), healthTest);
                h.put("Interval", healthIntervalNanos).put("Retries", healthRetries);
            }
            ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
            ArrayNode diffIds = rootfs.putArray("diff_ids");
            for (Layer l : layers) {
                byte[] tar = l.tar();
                diffIds.add(Digest.of(tar).toString());
                blobs.add(gzipLayers ? TestImages.gzip(tar) : tar);
            }
            return new Built(blobs, JSON.writeValueAsBytes(config));
        }

        /** Writes a `docker save` style archive: HEX.json config, HEX/layer.tar, manifest.json. */
        public Path writeDockerArchive(Path file, String... repoTags) throws IOException {
            Built b = build();
            try (TarArchiveOutputStream tar = tarTo(file)) {
                String configName = Digest.of(b.config).hex() + ".json";
                put(tar, configName, b.config);
                ObjectNode m = JSON.createObjectNode().put("Config", configName);
                strings(m.putArray("RepoTags"), List.of(repoTags));
                ArrayNode layers = m.putArray("Layers");
                for (byte[] blob : b.layers) {
                    String name = Digest.of(blob).hex() + "/layer.tar";
                    put(tar, name, blob);
                    layers.add(name);
                }
                put(tar, "manifest.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(m)));
            }
            return file;
        }

        /** Writes an OCI layout as a tarball (oci-archive); {@code refName} goes in the index annotation. */
        public Path writeOciArchive(Path file, String refName) throws IOException {
            Map<String, byte[]> entries = ociEntries(refName);
            try (TarArchiveOutputStream tar = tarTo(file)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    put(tar, e.getKey(), e.getValue());
                }
            }
            return file;
        }

        /** Writes an OCI layout directory. */
        public Path writeOciLayout(Path dir, String refName) throws IOException {
            for (Map.Entry<String, byte[]> e : ociEntries(refName).entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            return dir;
        }

        private Map<String, byte[]> ociEntries(String refName) throws IOException {
            Built b = build();
            Map<String, byte[]> out = new LinkedHashMap<>();
            out.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
                    .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", b.config));
            out.put(blobName(b.config), b.config);
            ArrayNode layers = manifest.putArray("layers");
            for (byte[] blob : b.layers) {
                layers.add(descriptor(gzipLayers ? "application/vnd.oci.image.layer.v1.tar+gzip"
                        : "application/vnd.oci.image.layer.v1.tar", blob));
                out.put(blobName(blob), blob);
            }
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            out.put(blobName(manifestBytes), manifestBytes);
            ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
            ObjectNode desc = descriptor("application/vnd.oci.image.manifest.v1+json", manifestBytes);
            desc.putObject("platform").put("architecture", ArchiveLayout.hostArchitecture()).put("os", "linux");
            if (refName != null) {
                desc.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
            }
            index.putArray("manifests").add(desc);
            out.put("index.json", JSON.writeValueAsBytes(index));
            return out;
        }
    }

    record Built(List<byte[]> layers, byte[] config) {}

    /** The standard test image: busybox, Cmd ["sh"]. */
    public static Spec busybox() throws IOException, InterruptedException {
        return new Spec().layer(busyboxLayer());
    }

    private static ObjectNode descriptor(String mediaType, byte[] content) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", Digest.of(content).toString())
                .put("size", content.length);
    }

    private static String blobName(byte[] content) {
        return "blobs/sha256/" + Digest.of(content).hex();
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static TarArchiveOutputStream tarTo(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        return tar;
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
