package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script is loaded by a real bash and completes commands and flags. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesSubcommandsAndFlags() throws Exception {
        Path script = dir.resolve("orch.bash");
        CliRun r = CliRun.run("completion", "bash");
        assertEquals(0, r.exitCode(), r.toString());
        Files.writeString(script, r.out());
        assertEquals(List.of("service"), complete(script, "orch", "servi"));
        assertEquals(List.of("create"), complete(script, "orch", "service", "crea"));
        assertTrue(complete(script, "orch", "service", "create", "--cap").containsAll(List.of("--cap-add", "--cap-drop")));
        assertTrue(complete(script, "orch", "service", "update", "--secret-").containsAll(List.of("--secret-add", "--secret-rm")));
    }

    @Test
    void zshGetsTheScriptThroughBashcompinit() {
        CliRun r = CliRun.run("completion", "zsh");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("bashcompinit"), "the script enables bashcompinit under zsh");
        assertTrue(r.out().contains("complete -F"), r.out());
    }

    @Test
    void anotherShellIsRefused() {
        CliRun r = CliRun.run("completion", "fish");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("Error: invalid argument \"fish\" for \"SHELL\": unsupported shell: expected bash or zsh"), r.errLines());
    }

    /** Runs the script's completion function in bash for the words typed so far; the candidates. */
    private static List<String> complete(Path script, String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder();
        for (String w : words) array.append(" '").append(w).append("'");
        String cmd = "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + String.join(" ", words) + "'; COMP_POINT=${#COMP_LINE}; "
                + "$(complete -p orch | sed -E 's/.*-F ([^ ]+).*/\\1/'); printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt complains outside a real completion
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "bash did not finish");
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }
}
