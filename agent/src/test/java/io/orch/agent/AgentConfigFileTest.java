package io.orch.agent;

import io.orch.agent.configfile.ConfigFileDefaults;
import io.orch.agent.configfile.ConfigFileReader;
import io.orch.agent.configfile.OptionKeys;
import io.orch.agent.logging.LogFormat;
import io.orch.agent.logging.LogLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file of init, join and agent: its keys are the commands' options, read through Picocli. */
class AgentConfigFileTest {
    @TempDir
    Path dir;

    /** A provider with no environment and no default file, unless a test gives them. */
    private static ConfigFileDefaults provider(Map<String, String> env, Path defaultFile) {
        return new ConfigFileDefaults(AgentConfigFile::commands, env::get, defaultFile) {};
    }

    private ConfigFileDefaults provider() {
        return provider(Map.of(), dir.resolve("absent.yaml"));
    }

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("orch.yaml"), yaml);
    }

    private static <T> T parse(T command, ConfigFileDefaults provider, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setDefaultValueProvider(provider);
        cl.parseArgs(args);
        return command;
    }

    private String parseError(Object command, String... args) {
        return assertThrows(ParameterException.class, () -> parse(command, provider(), args)).getMessage();
    }

    @Test
    void keysAreTheLongOptionNamesAndTheCommandLineWinsOverTheFile() throws IOException {
        Path f = file("data-dir: /var/lib/orch-file\nlisten-addr: 10.0.0.5:4000\ntlsverify: true\n");
        AgentCommand agent = parse(new AgentCommand(), provider(), "--config", f.toString(), "--listen-addr", "10.0.0.6:5000");
        assertEquals(Path.of("/var/lib/orch-file"), agent.options.dataDir);
        assertEquals("10.0.0.6:5000", agent.options.listenAddr, "the flag wins");
        assertTrue(agent.options.tlsVerify);
    }

    @Test
    void aRepeatableOptionTakesAListAndAFlagReplacesTheWholeList() throws IOException {
        Path f = file("insecure-registry: [a:5000, b:5000]\n");
        assertEquals(List.of("a:5000", "b:5000"), parse(new AgentCommand(), provider(), "--config", f.toString()).options.insecureRegistries);
        assertEquals(List.of("c:5000"), parse(new AgentCommand(), provider(), "--config", f.toString(),
                "--insecure-registry", "c:5000").options.insecureRegistries);
    }

    @Test
    void anUnknownKeyIsOneLineWithFileLineAndColumnAndTheKnownKeys() throws IOException {
        Path f = file("data-dir: /x\n\n  # comment\nfoo: 1\n");
        String m = parseError(new AgentCommand(), "--config", f.toString());
        assertTrue(m.startsWith(f + ":4:1: unknown key 'foo' (known: "), m);
        assertTrue(m.contains(" data-dir, ") && m.contains("log-level") && m.endsWith(")") && !m.contains("\n"), m);
    }

    @Test
    void aValueOfTheWrongTypeNamesItsPositionAndTheKey() throws IOException {
        Path f = file("data-dir: /x\ndata-path-port:   abc\n");
        String m = parseError(new InitCommand(), "--config", f.toString());
        assertTrue(m.startsWith(f + ":2:19: key 'data-path-port': "), m);

        f = file("log-level: loud\n");
        m = parseError(new AgentCommand(), "--config", f.toString());
        assertEquals(f + ":1:12: key 'log-level': expected error, warn, info, debug or trace", m);

        f = file("tlsverify: yes\n");
        assertEquals(f + ":1:12: key 'tlsverify': expected true or false", parseError(new AgentCommand(), "--config", f.toString()));

        f = file("data-dir: [a, b]\n");
        assertEquals(f + ":1:11: key 'data-dir': expected one value, not a list", parseError(new AgentCommand(), "--config", f.toString()));

        f = file("data-dir:\n  sub: 1\n");
        assertTrue(parseError(new AgentCommand(), "--config", f.toString()).startsWith(f + ":2:3: key 'data-dir': expected a value"));
    }

    @Test
    void aValueTheCommandRefusesAfterParsingPointsAtTheFileWhenItCameFromThere() throws IOException {
        Path f = file("data-dir: /x\nruntime: bogus\n");
        ConfigFileDefaults provider = provider();
        AgentCommand agent = parse(new AgentCommand(), provider, "--config", f.toString());
        String m = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.locating(agent.spec, () -> agent.options.config(null, false))).getMessage();
        assertEquals(f + ":2:10: key 'runtime': --runtime bogus: unknown runtime (available: runc, docker, process)", m);

        AgentCommand flagged = parse(new AgentCommand(), provider(), "--config", f.toString(), "--runtime", "nope");
        m = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.locating(flagged.spec, () -> flagged.options.config(null, false))).getMessage();
        assertEquals("--runtime nope: unknown runtime (available: runc, docker, process)", m, "a flag's value is the flag's");
    }

    @Test
    void aWrongValueFailsEvenWhenTheFlagOverridesIt() throws IOException {
        Path f = file("data-path-port: abc\n");
        String m = parseError(new InitCommand(), "--config", f.toString(), "--data-path-port", "4789");
        assertTrue(m.startsWith(f + ":1:17: key 'data-path-port'"), m);
    }

    @Test
    void aFileLargerThanTheCapIsRefusedBeforeItIsParsed() throws IOException {
        Path f = file("# " + "x".repeat(ConfigFileReader.MAX_BYTES) + "\n");
        assertEquals(f + ": larger than 1 MiB", parseError(new AgentCommand(), "--config", f.toString()));
    }

    @Test
    void anAliasBombIsRefusedAtItsFirstAnchor() throws IOException {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        Path f = file(bomb.toString());
        assertEquals(f + ":1:4: YAML anchors and aliases are not allowed in a config file",
                parseError(new AgentCommand(), "--config", f.toString()));
    }

    @Test
    void invalidYamlAndAMissingFileAreOneLineEach() throws IOException {
        Path f = file("data-dir: /x\n  listen-addr: [\n");
        String m = parseError(new AgentCommand(), "--config", f.toString());
        assertTrue(m.startsWith(f + ":") && m.contains("invalid YAML") && !m.contains("\n"), m);
        assertEquals(dir.resolve("nope.yaml") + ": no such file", parseError(new AgentCommand(), "--config", dir.resolve("nope.yaml").toString()));
    }

    @Test
    void aKeyOfAnotherAgentCommandIsWarnedOnceAndNotApplied() throws IOException {
        Path f = file("data-dir: /x\nautolock: true\n");
        ConfigFileDefaults provider = provider();
        AgentCommand agent = parse(new AgentCommand(), provider, "--config", f.toString());
        assertEquals(Path.of("/x"), agent.options.dataDir);
        assertEquals(List.of(f + ":2:1: key 'autolock' is an option of orch init, not of orch agent: not applied"),
                provider.check(agent.spec));
        InitCommand init = parse(new InitCommand(), provider(), "--config", f.toString());
        assertTrue(init.autolock, "applied where it is an option");
    }

    @Test
    void theFileComesFromTheFlagElseTheVariableElseTheDefaultPathWhenItExists() throws IOException {
        Path envFile = Files.writeString(dir.resolve("env.yaml"), "hostname: from-env\n");
        Path defaultFile = Files.writeString(dir.resolve("default.yaml"), "hostname: from-default\n");
        Path flagFile = Files.writeString(dir.resolve("flag.yaml"), "hostname: from-flag\n");
        Map<String, String> env = Map.of(ConfigFileDefaults.ENV, envFile.toString());
        assertEquals("from-flag", parse(new AgentCommand(), provider(env, defaultFile), "--config", flagFile.toString()).options.hostname);
        assertEquals("from-env", parse(new AgentCommand(), provider(env, defaultFile)).options.hostname);
        assertEquals("from-default", parse(new AgentCommand(), provider(Map.of(), defaultFile)).options.hostname);
        assertEquals(null, parse(new AgentCommand(), provider(Map.of(), dir.resolve("absent.yaml"))).options.hostname);
    }

    @Test
    void anAllOverriddenFileIsStillCheckedBeforeTheCommandRuns() throws IOException {
        Path f = file("nonsense: 1\n");
        AgentCommand agent = new AgentCommand();
        ConfigFileDefaults provider = provider();
        CommandLine cl = new CommandLine(agent);
        cl.setDefaultValueProvider(provider);
        // every option on the command line: picocli asks the provider for none
        List<String> args = new ArrayList<>(List.of("--config", f.toString()));
        for (OptionSpec o : OptionKeys.of(agent.spec, ConfigFileDefaults.OPTION).values()) {
            args.add(o.longestName() + (o.arity().max() == 0 ? "" : "=" + sample(o).get(0)));
        }
        String m = assertThrows(ParameterException.class, () -> cl.parseArgs(args.toArray(String[]::new))).getMessage();
        assertTrue(m.startsWith(f + ":1:1: unknown key 'nonsense'"), m);
        m = assertThrows(ParameterException.class, () -> provider.check(agent.spec)).getMessage();
        assertTrue(m.startsWith(f + ":1:1: unknown key 'nonsense'"), m);
    }

    /** Every option of init, join and agent is a key (an option added later too): set each from a file. */
    @Test
    void everyOptionOfInitJoinAndAgentIsSettableFromTheFile() throws IOException {
        for (Object command : List.of(new InitCommand(), new JoinCommand(), new AgentCommand())) {
            CommandSpec spec = CommandSpec.forAnnotatedObject(command);
            Map<String, OptionSpec> keys = OptionKeys.of(spec, ConfigFileDefaults.OPTION);
            assertTrue(keys.containsKey("data-dir") && keys.containsKey("log-format"), keys.keySet().toString());
            StringBuilder yaml = new StringBuilder();
            for (Map.Entry<String, OptionSpec> k : keys.entrySet()) {
                List<String> values = sample(k.getValue());
                yaml.append(k.getKey()).append(": ")
                        .append(k.getValue().isMultiValue() ? "[" + String.join(", ", values) + "]" : values.get(0)).append('\n');
            }
            Path f = file(yaml.toString());
            List<String> args = new ArrayList<>(List.of("--config", f.toString()));
            if (command instanceof JoinCommand) {
                args.add("10.0.0.1:2377"); // the manager is a parameter, not an option
            }
            CommandLine cl = new CommandLine(spec);
            cl.setDefaultValueProvider(provider());
            cl.parseArgs(args.toArray(String[]::new));
            for (Map.Entry<String, OptionSpec> k : keys.entrySet()) {
                Object value = k.getValue().getValue();
                Object expected = expected(k.getValue());
                assertEquals(expected, value instanceof Collection<?> c ? List.copyOf(c) : value,
                        spec.name() + ": key '" + k.getKey() + "' was not applied");
                assertNotEquals(k.getValue().initialValue() instanceof Collection<?> c ? List.copyOf(c) : k.getValue().initialValue(),
                        expected, spec.name() + ": the sample for '" + k.getKey() + "' must differ from the default");
            }
        }
    }

    /** A value of the option's type, unlike its default; a new type of option needs a line here. */
    private static List<String> sample(OptionSpec o) {
        Class<?> type = o.isMultiValue() ? o.auxiliaryTypes()[0] : o.type();
        if (o.typeInfo().isBoolean()) {
            return List.of("true");
        }
        if (type == LogLevel.class) {
            return List.of("debug");
        }
        if (type == LogFormat.class) {
            return List.of("json");
        }
        if (type == int.class || type == Integer.class) {
            return List.of("17");
        }
        if (type == Path.class) {
            return o.isMultiValue() ? List.of("/p/one", "/p/two") : List.of("/p/" + o.longestName().substring(2));
        }
        if (type == String.class) {
            return o.isMultiValue() ? List.of("one:1", "two:2") : List.of("v-" + o.longestName().substring(2));
        }
        throw new AssertionError("no sample value for option " + o.longestName() + " of type " + type.getName()
                + ": add one to AgentConfigFileTest.sample");
    }

    private static Object expected(OptionSpec o) {
        List<String> s = sample(o);
        Class<?> type = o.isMultiValue() ? o.auxiliaryTypes()[0] : o.type();
        List<Object> values = new ArrayList<>();
        for (String v : s) {
            values.add(o.typeInfo().isBoolean() ? Boolean.valueOf(v)
                    : type == LogLevel.class ? LogLevel.DEBUG
                    : type == LogFormat.class ? LogFormat.JSON
                    : type == int.class || type == Integer.class ? Integer.valueOf(v)
                    : type == Path.class ? Path.of(v) : v);
        }
        return o.isMultiValue() ? values : values.get(0);
    }

    @Test
    void noFileSetsNothing() {
        AgentCommand agent = parse(new AgentCommand(), provider());
        assertFalse(agent.options.tlsVerify);
        assertEquals(LogLevel.INFO, agent.options.logLevel);
    }
}
