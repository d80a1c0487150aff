package io.orch.cli.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The three files docker reads from {@code DOCKER_CERT_PATH}: {@code ca.pem}, {@code cert.pem},
 * {@code key.pem}. The directory is created 0700; the key file is created 0600 before a byte of it
 * is written. Existing files are never replaced (a client's key is not overwritten by accident).
 */
public final class ClientCertificateFiles {
    public static final String CA = "ca.pem";
    public static final String CERT = "cert.pem";
    public static final String KEY = "key.pem";

    private final Path dir;

    public ClientCertificateFiles(Path dir) {
        this.dir = dir;
    }

    /** @throws IOException saying which file is in the way */
    public void checkFree() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("exists and is not a directory");
        }
        for (String name : new String[] {CA, CERT, KEY}) {
            if (Files.exists(dir.resolve(name))) {
                throw new IOException(name + " exists already; choose another directory or remove it");
            }
        }
    }

    public void write(String caPem, String certPem, String keyPem) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path key = dir.resolve(KEY);
        try {
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(KEY + " exists already; choose another directory or remove it");
        }
        // the umask may have taken bits from the mode asked for, never added any: set it exactly
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(key, keyPem, StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(dir.resolve(CERT), certPem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.writeString(dir.resolve(CA), caPem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
}
