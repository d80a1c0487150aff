package io.orch.cli.stack;

import java.util.HashMap;
import java.util.Map;

/**
 * Key path ({@code services.web.ports[1].published}) to where it was written. Paths of values
 * made by the loader (defaults, merged lists) have no entry; {@link #of} then falls back to
 * the nearest enclosing path, which is still the right place to look.
 */
public final class Locations {
    private final Map<String, Location> byPath = new HashMap<>();

    void put(String path, Location location) {
        byPath.putIfAbsent(path, location);
    }

    /** Later files win for the paths they set (multi-file merge). */
    void overrideWith(Locations other) {
        byPath.putAll(other.byPath);
    }

    public Location of(String path) {
        String p = path;
        while (true) {
            Location l = byPath.get(p);
            if (l != null || p.isEmpty()) {
                return l;
            }
            p = parent(p);
        }
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }

    public StackFileException error(String path, String problem) {
        return StackFileException.at(of(path), path, problem);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
