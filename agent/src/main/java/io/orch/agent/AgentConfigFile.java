package io.orch.agent;

import io.orch.agent.configfile.ConfigFileDefaults;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/**
 * The config file of `orch init`, `orch join` and `orch agent` (docs/configuration.md): one file
 * may serve all three, so a key of one of them is known to the others (a warning there, not an error).
 */
public final class AgentConfigFile extends ConfigFileDefaults {
    /** Picocli makes one per command, from its {@code defaultValueProvider}. */
    public AgentConfigFile() {
        super(AgentConfigFile::commands, System::getenv, DEFAULT_FILE);
    }

    /** The commands that read the file, as their specs (for the keys each knows). */
    static List<CommandSpec> commands() {
        return List.of(CommandSpec.forAnnotatedObject(new InitCommand()), CommandSpec.forAnnotatedObject(new JoinCommand()),
                CommandSpec.forAnnotatedObject(new AgentCommand()));
    }
}
