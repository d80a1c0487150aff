package io.orch.cli.commands;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code orch completion bash|zsh}: prints a shell completion script for every command and flag
 * (picocli's generator, run on the live command tree, so subcommands a launcher adds are in it).
 * zsh loads the same bash script through bashcompinit, which the script enables itself.
 */
@Command(name = "completion", description = "Print a shell completion script (bash or zsh).",
        footer = {"", "bash: source <(orch completion bash), or save it as /etc/bash_completion.d/orch",
                "zsh:  source <(orch completion zsh) in ~/.zshrc"})
public final class CompletionCommand extends OrchCommand {
    @Parameters(index = "0", paramLabel = "SHELL", converter = Shell.class, description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
        if (shell.equals("zsh")) {
            // the script switches zsh to bashcompinit when it sees $ZSH_VERSION; say so for readers
            out().println("# orch completion for zsh (a bash completion script loaded through bashcompinit)");
        }
        out().print(script);
        out().flush();
        return 0;
    }

    public static final class Shell extends Converters.OneOf {
        public Shell() { super("unsupported shell", "bash", "zsh"); }
    }
}
