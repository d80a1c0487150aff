package io.orch.raft.store;

import com.google.protobuf.Message;

import java.util.Locale;

/**
 * A transaction refused before it was proposed because it, or one object in it, is over the
 * store's caps ({@link WriteTx#OBJECT_MAX_BYTES}, {@link WriteTx#ENTRY_MAX_BYTES}). The message
 * names what is too large and both sizes, in one line fit for an API error.
 */
public final class TooLargeException extends StoreException {
    private TooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }

    /** E.g. {@code service "huge" is 15.0 MiB serialised; one object may be at most 1 MiB}. */
    static TooLargeException object(ObjectKind kind, Message object, long bytes) {
        return new TooLargeException(describe(kind, object) + " is " + size(bytes, WriteTx.OBJECT_MAX_BYTES)
                + " serialised; one object may be at most " + cap(WriteTx.OBJECT_MAX_BYTES));
    }

    static TooLargeException entry(int changes, long bytes) {
        return new TooLargeException("a transaction of " + changes + " changes is " + size(bytes, WriteTx.ENTRY_MAX_BYTES)
                + " serialised; one transaction may be at most " + cap(WriteTx.ENTRY_MAX_BYTES));
    }

    /** {@code service "web"} for objects with a name, {@code task 3fa9...} for the rest. */
    private static String describe(ObjectKind kind, Message object) {
        String label = kind.name().toLowerCase(Locale.ROOT);
        String name = StoreState.uniqueName(object);
        return name != null && !name.isEmpty() ? label + " \"" + name + "\"" : label + " " + ObjectKind.id(object);
    }

    /** In MiB with one decimal; in bytes where that would hide that it is over {@code cap} (1 MiB + 1 byte). */
    private static String size(long bytes, long cap) {
        String shown = mib(bytes);
        return shown.equals(mib(cap)) ? bytes + " bytes" : shown;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    /** A cap: a whole number of MiB. */
    private static String cap(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
