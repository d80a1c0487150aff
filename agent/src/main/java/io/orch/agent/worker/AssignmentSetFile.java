package io.orch.agent.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The last assignment set a worker-only node received, kept under its data dir, so an agent
 * restarted while no manager answers re-attaches its tasks and keeps restarting them as their
 * restart policy says, instead of waiting for a manager (swarmkit's worker keeps its task
 * database for the same reason). Never holds secret data: secrets and registry logins are
 * stripped before writing; a task that needs them starts again only once a manager answers.
 *
 * <p>Written atomically (temp file, fsync, rename); a header and a checksum make a file that is
 * torn, truncated or not ours read as absent, with a warning.
 */
public final class AssignmentSetFile {
    private static final Logger log = LoggerFactory.getLogger(AssignmentSetFile.class);
    private static final byte[] MAGIC = "orch-assignments/1\n".getBytes(StandardCharsets.US_ASCII);
    /** Far above any real set (the dispatcher sends sets of a few MiB at most); bounds what a damaged file makes us read. */
    static final long MAX_BYTES = 256L << 20;

    private final Path file;

    public AssignmentSetFile(Path file) {
        this.file = file;
    }

    /** The file's place under an agent's data dir. */
    public static AssignmentSetFile under(Path dataDir) {
        return new AssignmentSetFile(dataDir.resolve("worker").resolve("assignments.bin"));
    }

    /** {@code set} without its secrets' data nor any task's registry login. */
    static Assignments withoutSecrets(Assignments set) {
        Assignments.Builder b = set.toBuilder().clearSecrets();
        for (Task.Builder t : b.getTasksBuilderList()) {
            if (t.getSpec().getContainerSpec().hasPullOptions()) {
                t.getSpecBuilder().getContainerSpecBuilder().clearPullOptions();
            }
        }
        return b.build();
    }

    /** Replaces the kept set with {@code set} (stripped of secrets). */
    public void save(Assignments set) throws IOException {
        byte[] payload = withoutSecrets(set).toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + Long.BYTES + payload.length);
        out.put(MAGIC).putLong(crc.getValue()).put(payload).flip();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The kept set, or empty when there is none or it cannot be trusted (then with a warning). */
    public Optional<Assignments> load() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                log.warn("ignoring the kept assignment set {}: larger than {} bytes", file, MAX_BYTES);
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("ignoring the kept assignment set {}: {}", file, e.toString());
            return Optional.empty();
        }
        int header = MAGIC.length + Long.BYTES;
        if (bytes.length < header || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            log.warn("ignoring the kept assignment set {}: not an assignment set file", file);
            return Optional.empty();
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, header, bytes.length - header);
        if (crc.getValue() != ByteBuffer.wrap(bytes, MAGIC.length, Long.BYTES).getLong()) {
            log.warn("ignoring the kept assignment set {}: checksum mismatch (torn or damaged)", file);
            return Optional.empty();
        }
        try {
            return Optional.of(Assignments.parseFrom(ByteBuffer.wrap(bytes, header, bytes.length - header)));
        } catch (InvalidProtocolBufferException e) {
            log.warn("ignoring the kept assignment set {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Forgets the kept set (the node leaves its swarm). */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not remove the kept assignment set {}: {}", file, e.toString());
        }
    }
}
