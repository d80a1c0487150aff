package io.orch.agent.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.api.proto.Revocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The revocation list a worker last received, kept under its data dir so that a restarted
 * worker refuses revoked callers before its first dispatcher session. Node ids and dates only:
 * nothing secret.
 */
public final class RevocationFile {
    private static final Logger log = LoggerFactory.getLogger(RevocationFile.class);
    /** Far above any real list (two entries per node, ~100 bytes each); bounds what a damaged file makes us read. */
    static final long MAX_BYTES = 16L << 20;

    private final Path file;

    public RevocationFile(Path file) {
        this.file = file;
    }

    public static RevocationFile under(Path dataDir) {
        return new RevocationFile(dataDir.resolve("worker").resolve("revocations.bin"));
    }

    public void save(Revocations revocations) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, revocations.toByteArray());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The kept list, or empty when there is none or it cannot be read (then with a warning). */
    public Optional<Revocations> load() {
        try {
            if (Files.size(file) > MAX_BYTES) {
                log.warn("ignoring the kept revocation list {}: larger than {} bytes", file, MAX_BYTES);
                return Optional.empty();
            }
            return Optional.of(Revocations.parseFrom(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            log.warn("ignoring the kept revocation list {}: not a revocation list", file);
            return Optional.empty();
        } catch (IOException e) {
            log.warn("ignoring the kept revocation list {}: {}", file, e.toString());
            return Optional.empty();
        }
    }
}
