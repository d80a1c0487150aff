package io.orch.runtime.runc;

import io.orch.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resolves Docker's user syntax ("", "uid", "uid:gid", "name", "name:group") against the
 * container's own /etc/passwd and /etc/group, as Docker does (never the host's).
 */
record UserSpec(long uid, long gid) {
    static final UserSpec ROOT = new UserSpec(0, 0);

    static UserSpec resolve(String user, Path rootfs) throws RuntimeFailure {
        if (user == null || user.isBlank()) {
            return ROOT;
        }
        String[] parts = user.split(":", 2);
        String u = parts[0];
        Optional<String[]> pw = numeric(u) ? Optional.empty() : entry(rootfs.resolve("etc/passwd"), u);
        long uid;
        long gid;
        if (numeric(u)) {
            uid = Long.parseLong(u);
            gid = entryById(rootfs.resolve("etc/passwd"), u).map(f -> Long.parseLong(f[3])).orElse(uid == 0 ? 0L : uid);
        } else if (pw.isPresent()) {
            uid = Long.parseLong(pw.get()[2]);
            gid = Long.parseLong(pw.get()[3]);
        } else {
            throw new RuntimeFailure("unable to find user " + u + ": no matching entries in the image's /etc/passwd", false);
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            String g = parts[1];
            if (numeric(g)) {
                gid = Long.parseLong(g);
            } else {
                gid = entry(rootfs.resolve("etc/group"), g).map(f -> Long.parseLong(f[2]))
                        .orElseThrow(() -> new RuntimeFailure("unable to find group " + g
                                + ": no matching entries in the image's /etc/group", false));
            }
        }
        return new UserSpec(uid, gid);
    }

    /**
     * The supplementary group ids of the ContainerSpec's Groups: numbers as given, names looked up
     * in the image's /etc/group, as Docker does.
     */
    static List<Long> groups(List<String> groups, Path rootfs) throws RuntimeFailure {
        List<Long> gids = new java.util.ArrayList<>();
        for (String g : groups) {
            if (numeric(g)) {
                gids.add(Long.parseLong(g));
            } else {
                gids.add(entry(rootfs.resolve("etc/group"), g).map(f -> Long.parseLong(f[2]))
                        .orElseThrow(() -> new RuntimeFailure("unable to find group " + g
                                + ": no matching entries in the image's /etc/group", false)));
            }
        }
        return gids;
    }

    /** As {@code runc exec --user} takes it. */
    String asRuncUser() {
        return uid + ":" + gid;
    }

    private static boolean numeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static Optional<String[]> entry(Path file, String name) {
        return lines(file).stream().map(l -> l.split(":", -1)).filter(f -> f.length >= 3 && f[0].equals(name)).findFirst();
    }

    private static Optional<String[]> entryById(Path file, String id) {
        return lines(file).stream().map(l -> l.split(":", -1)).filter(f -> f.length >= 4 && f[2].equals(id)).findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            // the rootfs is the container's: a symlinked /etc/passwd must not be read on the host
            if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
                return List.of();
            }
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
