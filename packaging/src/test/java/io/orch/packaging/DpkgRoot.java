package io.orch.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory dpkg installs packages into as if it were a machine's root (`dpkg --root`), with an
 * empty package database and a minimal /etc/group. Maintainer scripts run without a chroot
 * (`--force-script-chrootless`: the root has no shell of its own) and see DPKG_ROOT set; the
 * packages' dependencies are not there (`--force-depends`).
 */
final class DpkgRoot {
    final Path dir;

    record Result(int exit, String output) {}

    DpkgRoot(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("var/lib/dpkg/info"));
        Files.createDirectories(dir.resolve("var/lib/dpkg/updates"));
        Files.createDirectories(dir.resolve("var/log"));
        Files.writeString(dir.resolve("var/lib/dpkg/status"), "");
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    }

    /** A path of the installed system, e.g. "/etc/orch/orch.yaml", inside this root. */
    Path path(String absolute) {
        return dir.resolve(absolute.substring(1));
    }

    Result dpkg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + dir, "--force-script-chrootless", "--force-depends"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("dpkg-out", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
