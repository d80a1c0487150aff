package io.orch.packaging.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} arguments of the cluster benchmarks; an unknown name is a usage error. */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args, Map<String, String> defaults) {
        values.putAll(defaults);
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !defaults.containsKey(name) || i + 1 >= args.length) {
                usage(args[i], defaults);
            }
            values.put(name, args[++i]);
        }
    }

    String string(String name) {
        return values.get(name);
    }

    int integer(String name) {
        try {
            int v = Integer.parseInt(values.get(name));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            System.err.println("--" + name + " " + values.get(name) + ": not a non-negative integer");
            System.exit(2);
            return 0;
        }
    }

    private static void usage(String bad, Map<String, String> defaults) {
        StringBuilder b = new StringBuilder("unexpected argument: " + bad + " (options:");
        for (String k : List.copyOf(new java.util.TreeSet<>(defaults.keySet()))) {
            b.append(" --").append(k).append(' ').append(defaults.get(k));
        }
        System.err.println(b.append(')'));
        System.exit(2);
    }

    static long median(List<Long> xs) {
        List<Long> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? -1 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
