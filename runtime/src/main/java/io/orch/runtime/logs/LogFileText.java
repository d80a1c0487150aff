package io.orch.runtime.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** What a task wrote to one stream, without the records' times: for short outputs (exec results, diagnostics). */
public final class LogFileText {
    private LogFileText() {}

    public static String read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream(all.length);
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int end = i == all.length ? i : i + 1;
                if (end > start) {
                    byte[] line = java.util.Arrays.copyOfRange(all, start, end);
                    out.writeBytes(LogRecord.parse(line, Instant.EPOCH).content());
                }
                start = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
