package io.orch.scheduler.filter;

import io.orch.api.proto.Platform;
import io.orch.scheduler.Demand;

import java.util.List;
import java.util.Locale;

/**
 * Placement constraints ({@code node.labels.zone==eu}, {@code node.role!=manager}, ...), one
 * check each so that the explanation names the one a node failed; and the image platforms
 * ({@code Placement.Platforms}, filled in by the docker CLI from the image manifest).
 */
public final class ConstraintFilter implements Filter {
    @Override
    public void compile(Demand demand, List<Check> out) {
        for (Constraint c : demand.constraints()) {
            String text = c.toString();
            out.add(Check.of(true, node -> c.matches(node.node()),
                    n -> "constraint " + text + " not met on " + Filter.nodes(n)));
        }
        List<Platform> platforms = demand.spec().getPlacement().getPlatformsList();
        if (!platforms.isEmpty()) {
            out.add(Check.of(true, node -> anyMatches(platforms, node.node().getDescription().getPlatform()),
                    n -> "unsupported platform on " + Filter.nodes(n)));
        }
    }

    /** Swarm's platform filter: an empty field on either side matches anything; arch names are normalised. */
    static boolean anyMatches(List<Platform> wanted, Platform node) {
        for (Platform p : wanted) {
            boolean os = p.getOs().isEmpty() || node.getOs().isEmpty() || p.getOs().equalsIgnoreCase(node.getOs());
            boolean arch = p.getArchitecture().isEmpty() || node.getArchitecture().isEmpty()
                    || arch(p.getArchitecture()).equals(arch(node.getArchitecture()));
            if (os && arch) {
                return true;
            }
        }
        return false;
    }

    private static String arch(String a) {
        String lower = a.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> lower;
        };
    }
}
