package io.orch.cli.stack;

/**
 * A stack file that cannot be deployed, phrased {@code FILE:LINE:COLUMN key.path: problem} so
 * the user can jump to it. Thrown before any request is sent.
 */
public final class StackFileException extends RuntimeException {
    public StackFileException(String message) {
        super(message, null, false, false);
    }

    public static StackFileException at(Location location, String path, String problem) {
        String where = location == null ? "" : location + " ";
        return new StackFileException(where + (path.isEmpty() ? "" : path + ": ") + problem);
    }
}
