package io.orch.runtime.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one image layer (a tar, optionally gzip-compressed) on top of a root file system, with
 * the OCI whiteout rules: ".wh.NAME" deletes NAME from the layers below, ".wh..wh..opq" empties
 * the directory it sits in. Returns the digest of the uncompressed tar (the layer's diff id) so
 * the caller can check it against the image config. Device nodes are skipped (runc provides
 * /dev); ownership is applied only when running as root.
 */
final class LayerUnpacker {
    private static final Logger log = LoggerFactory.getLogger(LayerUnpacker.class);
    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private LayerUnpacker() {}

    static Digest apply(InputStream blob, Path root) throws IOException, ImageException {
        BufferedInputStream in = new BufferedInputStream(blob, 64 * 1024);
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        in.reset();
        InputStream plain;
        if (b0 == 0x1f && b1 == 0x8b) {
            plain = new GZIPInputStream(in, 64 * 1024);
        } else if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            throw new ImageException("zstd-compressed layers are not supported; re-save the image with gzip or no compression");
        } else {
            plain = in;
        }
        MessageDigest md = Digest.sha256();
        DigestInputStream digesting = new DigestInputStream(plain, md);
        Set<Path> createdHere = new HashSet<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(digesting);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            applyEntry(tar, e, root, createdHere);
        }
        // The diff id covers the whole stream, including the end-of-archive padding.
        byte[] rest = new byte[8192];
        while (digesting.read(rest) >= 0) {
            // drain
        }
        return new Digest(HexFormat.of().formatHex(md.digest()));
    }

    private static void applyEntry(TarArchiveInputStream tar, TarArchiveEntry e, Path root, Set<Path> createdHere)
            throws IOException, ImageException {
        String name = clean(e.getName());
        if (name.isEmpty()) {
            return; // the root itself
        }
        int slash = name.lastIndexOf('/');
        String parentName = slash < 0 ? "" : name.substring(0, slash);
        String base = name.substring(slash + 1);
        Path parent = RootedPath.resolve(root, parentName);
        if (base.equals(OPAQUE)) {
            if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> children = Files.newDirectoryStream(parent)) {
                    for (Path child : children) {
                        if (!createdHere.contains(child)) {
                            deleteTree(child);
                        }
                    }
                }
            }
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            deleteTree(parent.resolve(base.substring(WHITEOUT.length())));
            return;
        }
        Files.createDirectories(parent);
        Path target = parent.resolve(base);
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (exists && !(e.isDirectory() && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))) {
            deleteTree(target);
        }
        if (e.isDirectory()) {
            Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Path source = RootedPath.resolve(root, clean(e.getLinkName()));
            if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageException("layer entry " + name + " is a hard link to " + e.getLinkName()
                        + ", which is not a file in the image");
            }
            Files.createLink(target, source);
            createdHere.add(target);
            return; // a hard link shares its source's metadata
        } else if (e.isFile()) {
            try (OutputStream out = Files.newOutputStream(target)) {
                tar.transferTo(out);
            }
        } else {
            log.debug("skipping special file {} in layer (type {})", name, (char) e.getLinkFlag());
            return;
        }
        createdHere.add(target);
        setMetadata(target, e);
    }

    private static void setMetadata(Path target, TarArchiveEntry e) throws IOException {
        if (ROOT) {
            Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!e.isSymbolicLink()) {
            // after chown, which clears set-id bits; "unix:mode" keeps setuid/setgid/sticky too
            try {
                Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
            } catch (UnsupportedOperationException | IllegalArgumentException ex) {
                Set<PosixFilePermission> perms = PosixFilePermissions.fromString(rwx(e.getMode()));
                Files.setPosixFilePermissions(target, perms);
            }
            Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(e.getLastModifiedTime().toInstant()));
        }
    }

    private static String rwx(int mode) {
        String chars = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? chars.charAt(i) : '-');
        }
        return sb.toString();
    }

    /** Entry names are relative to the root: strip "./" and "/", refuse to climb out. */
    static String clean(String name) throws ImageException {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.startsWith("./") ? n.substring(2) : n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.equals(".")) {
            return "";
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new ImageException("layer entry " + name + " climbs out of the rootfs");
            }
        }
        return n;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
}
