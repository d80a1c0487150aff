package io.orch.agent.seal;

import io.orch.raft.seal.SealKey;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manager's copy of the cluster's store key (the key its Raft log and snapshots are sealed
 * with), in {@code DATA/keys/store.key}, mode 0600, written atomically (temp file, fsync, rename,
 * directory fsync). Three lines of text:
 *
 * <pre>
 *   orch-store-key/1
 *   id: 1a2b3c4d
 *   clear: BASE64 (the 32 key bytes)    or    wrapped: BASE64 (the key sealed under the unlock key's KEK)
 * </pre>
 *
 * A wrapped file (autolock) cannot be read without the unlock key. Nothing here logs the key.
 */
public final class StoreKeyFile {
    static final String HEADER = "orch-store-key/1";
    static final String DIR = "keys";
    static final String FILE = "store.key";
    /** Far above a real file (~150 bytes): bounds what a damaged file makes us read. */
    private static final long MAX_BYTES = 4096;

    /** The file's contents: the key id and either the key in clear or wrapped. */
    public record Contents(int id, byte[] clear, byte[] wrapped) {
        public boolean isWrapped() {
            return wrapped != null;
        }

        @Override
        public String toString() {
            return "StoreKeyFile.Contents[id=" + HexFormat.of().toHexDigits(id) + (isWrapped() ? ", wrapped" : ", clear")
                    + ", <redacted>]";
        }
    }

    private StoreKeyFile() {
    }

    public static Path path(Path dataDir) {
        return dataDir.resolve(DIR).resolve(FILE);
    }

    public static boolean exists(Path dataDir) {
        return Files.isRegularFile(path(dataDir));
    }

    /** Writes {@code key} in clear (no autolock). */
    public static void saveClear(Path dataDir, SealKey key) throws IOException {
        write(dataDir, key.id(), "clear", key.bytes());
    }

    /** Writes the key sealed under a key-encryption key (autolock); {@code wrapped} comes from {@link KeyWrap}. */
    public static void saveWrapped(Path dataDir, int keyId, byte[] wrapped) throws IOException {
        write(dataDir, keyId, "wrapped", wrapped);
    }

    /**
     * Writes {@code key} in its final form at once: wrapped under {@code unlock} when autolock is on
     * (a manager that joins, or is promoted in, an autolocked cluster), else in clear. No clear
     * intermediate is written, not even a temporary file.
     */
    public static void save(Path dataDir, SealKey key, java.util.Optional<UnlockKey> unlock) throws IOException {
        if (unlock.isPresent()) {
            saveWrapped(dataDir, key.id(), KeyWrap.wrap(key, unlock.get()));
        } else {
            saveClear(dataDir, key);
        }
    }

    /** @throws IOException naming the file when it is missing or not a store key file */
    public static Contents read(Path dataDir) throws IOException {
        Path file = path(dataDir);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no store key at " + file);
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + " is not a store key file (" + Files.size(file) + " bytes)");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Map<String, String> fields = new LinkedHashMap<>();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a store key file (no " + HEADER + " header)");
        }
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2).trim());
            }
        }
        try {
            int id = HexFormat.fromHexDigits(require(fields, "id", file));
            if (fields.containsKey("clear")) {
                byte[] clear = Base64.getDecoder().decode(fields.get("clear"));
                new SealKey(id, clear); // checks the length
                return new Contents(id, clear, null);
            }
            return new Contents(id, null, Base64.getDecoder().decode(require(fields, "wrapped", file)));
        } catch (IllegalArgumentException e) {
            // the message never holds the key: only which field is bad
            throw new IOException(file + " is damaged: " + e.getClass().getSimpleName() + " in its fields", e);
        }
    }

    /** The key of a file written in clear. */
    public static SealKey loadClear(Path dataDir) throws IOException {
        Contents c = read(dataDir);
        if (c.isWrapped()) {
            throw new IOException(path(dataDir) + " is locked (autolock): unlock the node first");
        }
        return new SealKey(c.id(), c.clear());
    }

    /**
     * The key, opened with {@code unlock} when the file is wrapped (autolock).
     *
     * @throws Locked when the file is wrapped and no unlock key is given
     * @throws KeyWrap.InvalidUnlockKey when the unlock key does not open it
     */
    public static SealKey load(Path dataDir, java.util.Optional<UnlockKey> unlock)
            throws IOException, Locked, KeyWrap.InvalidUnlockKey {
        Contents c = read(dataDir);
        if (!c.isWrapped()) {
            return new SealKey(c.id(), c.clear());
        }
        if (unlock.isEmpty()) {
            throw new Locked();
        }
        return KeyWrap.unwrap(c.id(), c.wrapped(), unlock.get());
    }

    /** Whether the file is wrapped: a manager with it starts locked. */
    public static boolean locked(Path dataDir) throws IOException {
        return exists(dataDir) && read(dataDir).isWrapped();
    }

    /** The store key file is encrypted (autolock) and no unlock key was given. */
    public static final class Locked extends Exception {
        public Locked() {
            super("Swarm is encrypted and needs to be unlocked before it can be used. Please use \"docker swarm unlock\" to unlock it.");
        }
    }

    /** Removes the key (a node that stops being a manager). */
    public static void delete(Path dataDir) throws IOException {
        Files.deleteIfExists(path(dataDir));
        Files.deleteIfExists(path(dataDir).resolveSibling(FILE + ".tmp"));
    }

    private static String require(Map<String, String> fields, String name, Path file) throws IOException {
        String value = fields.get(name);
        if (value == null) {
            throw new IOException(file + " is damaged: no \"" + name + "\" field");
        }
        return value;
    }

    private static void write(Path dataDir, int id, String form, byte[] bytes) throws IOException {
        Path dir = dataDir.resolve(DIR);
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String text = HEADER + "\nid: " + HexFormat.of().toHexDigits(id) + "\n" + form + ": "
                + Base64.getEncoder().encodeToString(bytes) + "\n";
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directories cannot be opened here; the rename is still atomic
        }
    }
}
