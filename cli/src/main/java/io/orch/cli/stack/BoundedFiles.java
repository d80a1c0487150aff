package io.orch.cli.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the files a stack names (compose files, {@code .env} and {@code env_file} files, secret
 * and config files) at most to a bound: a file larger than it, or one without end
 * ({@code /dev/zero}, a pipe), is refused once the bound is passed, before it is parsed or held
 * whole, instead of ending the CLI with an OutOfMemoryError.
 */
final class BoundedFiles {
    /** Compose files are a few KiB; 4 MiB leaves room for generated ones and is read in milliseconds. */
    static final int MAX_TEXT_BYTES = 4 * 1024 * 1024;

    /** The file holds more than the bound (the message says so in a few words, for "FILE: ..."). */
    static final class TooLarge extends IOException {
        TooLarge(int max) {
            super("larger than " + (max % (1024 * 1024) == 0 ? max / (1024 * 1024) + " MiB" : max + " bytes"), null);
        }
    }

    private BoundedFiles() {}

    /** UTF-8 text of at most {@link #MAX_TEXT_BYTES}; malformed UTF-8 is an IOException, as Files.readString has it. */
    static String text(Path file) throws IOException {
        byte[] bytes = bytes(file, MAX_TEXT_BYTES);
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The file's bytes, if there are at most {@code max}. */
    static byte[] bytes(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new TooLarge(max);
            }
            return bytes;
        }
    }
}
