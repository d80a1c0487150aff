package io.orch.runtime.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * One record of a task's log file, as {@link LineStamper} writes them (the CRI log format):
 * {@code 2026-01-01T10:00:00.123456000Z stdout F hello\n}. {@code F} is a full line, its content
 * ending with the line's own newline; {@code P} is a piece of a line (longer than
 * {@link #MAX_LINE} bytes, or the last output without a newline), its content followed by a
 * record separator that is not part of it.
 *
 * <p>Files written before the stamper (raw output) stay readable: a line that is no record is
 * read as raw content, timed by the caller's fallback (the file's last change).
 *
 * @param time    when the stamper received it (for a raw line: the fallback)
 * @param content the bytes the task wrote, a full line's newline included
 * @param partial a piece of a longer line, or output that never got its newline
 */
public record LogRecord(Instant time, byte[] content, boolean partial) {
    /** Docker's buffer: longer lines are split into pieces of this many bytes. */
    public static final int MAX_LINE = 16 * 1024;
    private static final int TIME_MIN = "2026-01-01T00:00:00Z".length();
    private static final int TIME_MAX = "2026-01-01T00:00:00.123456789Z".length();

    /** A record for {@code line}: one line of a log file as read, its newline included. */
    public static LogRecord parse(byte[] line, Instant fallback) {
        int firstSpace = indexOf(line, (byte) ' ', 0, TIME_MAX + 1);
        if (firstSpace >= TIME_MIN && line[firstSpace - 1] == 'Z' && line[0] >= '0' && line[0] <= '9') {
            int tag = firstSpace + 1 + streamLength(line, firstSpace + 1);
            if (tag > firstSpace + 1 && tag + 2 < line.length && line[tag] == ' '
                    && (line[tag + 1] == 'F' || line[tag + 1] == 'P') && line[tag + 2] == ' ') {
                try {
                    Instant time = Instant.parse(new String(line, 0, firstSpace, StandardCharsets.US_ASCII));
                    boolean partial = line[tag + 1] == 'P';
                    int end = line.length;
                    if (partial && end > 0 && line[end - 1] == '\n') {
                        end--; // the separator, not content
                    }
                    return new LogRecord(time, Arrays.copyOfRange(line, tag + 3, end), partial);
                } catch (DateTimeParseException e) {
                    // not a record after all: raw output that starts like one
                }
            }
        }
        return new LogRecord(fallback, line, false);
    }

    /** The record line for {@code content} received at {@code time} on {@code stream} (stdout|stderr). */
    public static byte[] format(Instant time, String stream, byte[] content, boolean partial) {
        byte[] head = (time.toString() + " " + stream + (partial ? " P " : " F ")).getBytes(StandardCharsets.US_ASCII);
        boolean separator = partial || content.length == 0 || content[content.length - 1] != '\n';
        byte[] out = Arrays.copyOf(head, head.length + content.length + (separator ? 1 : 0));
        System.arraycopy(content, 0, out, head.length, content.length);
        if (separator) {
            out[out.length - 1] = '\n';
        }
        return out;
    }

    private static int streamLength(byte[] line, int from) {
        for (String s : new String[] {"stdout", "stderr"}) {
            if (startsWith(line, from, s)) {
                return s.length();
            }
        }
        return 0;
    }

    private static boolean startsWith(byte[] line, int from, String s) {
        if (line.length < from + s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (line[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte b, int from, int limit) {
        for (int i = from; i < Math.min(a.length, limit); i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
