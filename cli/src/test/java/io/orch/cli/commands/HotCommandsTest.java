package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.orch.cli.CliEnvironment;
import io.orch.cli.OrchCli;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.FakeAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The hand-built models of the hot commands ({@link HotCommands}) are the models picocli reads
 * from their annotations, which stay the source for the whole tree: same options and parameters,
 * same help text, and the same outcome (exit code, output, error line) for the same arguments.
 */
class HotCommandsTest {
    static Stream<Arguments> hotCommands() {
        return Stream.of(
                Arguments.of("service", "ls", (Function<Object, CommandSpec>) c -> HotCommands.serviceLs((ServiceLsCommand) c), new ServiceLsCommand()),
                Arguments.of("service", "ps", (Function<Object, CommandSpec>) c -> HotCommands.servicePs((ServicePsCommand) c), new ServicePsCommand()),
                Arguments.of("node", "ls", (Function<Object, CommandSpec>) c -> HotCommands.nodeLs((NodeLsCommand) c), new NodeLsCommand()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hotCommands")
    void theHandBuiltModelHasTheAnnotatedOptionsAndParameters(String group, String name, Function<Object, CommandSpec> hand, Object fresh)
            throws ReflectiveOperationException {
        CommandSpec annotated = CommandSpec.forAnnotatedObject(fresh.getClass().getDeclaredConstructor().newInstance());
        CommandSpec built = hand.apply(fresh);
        assertEquals(annotated.name(), built.name());
        assertEquals(List.of(annotated.aliases()), List.of(built.aliases()));
        assertEquals(List.of(annotated.usageMessage().description()), List.of(built.usageMessage().description()));
        assertEquals(describe(annotated.options()), describe(built.options()));
        assertEquals(describe(annotated.positionalParameters()), describe(built.positionalParameters()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hotCommands")
    void theHandBuiltModelPrintsTheAnnotatedHelp(String group, String name, Function<Object, CommandSpec> hand, Object fresh)
            throws ReflectiveOperationException {
        String annotated = new CommandLine(fresh.getClass().getDeclaredConstructor().newInstance()).getUsageMessage();
        assertEquals(annotated, new CommandLine(hand.apply(fresh)).getUsageMessage());
    }

    @Test
    void onlyTheHotPairsAreHandBuilt() {
        for (String[] pair : new String[][] {{"service", "ls"}, {"service", "list"}, {"service", "ps"}, {"node", "ls"}, {"node", "list"}}) {
            assertNotNull(HotCommands.group(pair[0], pair[1]), String.join(" ", pair));
        }
        for (String[] pair : new String[][] {{"service", "create"}, {"service", "--help"}, {"node", "ps"}, {"stack", "ls"}, {"ls", "service"}}) {
            assertNull(HotCommands.group(pair[0], pair[1]), String.join(" ", pair));
        }
    }

    private FakeAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new FakeAgent();
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    /** Argument lists that succeed, print help, or fail in parsing or conversion. */
    static Stream<List<String>> argumentLists() {
        return Stream.of(
                List.of("service", "ls"), List.of("service", "list"), List.of("service", "ls", "-q"),
                List.of("service", "ls", "--format", "json", "-f", "name=web"), List.of("service", "ls", "--format=JSON"),
                List.of("service", "ls", "-f", "name=web", "--filter", "mode=global"), List.of("service", "ls", "-qf", "name=db"),
                List.of("service", "ls", "--format", "xml"), List.of("service", "ls", "-f", "novalue"), List.of("service", "ls", "--nope"),
                List.of("service", "ls", "extra"), List.of("service", "ls", "--format"), List.of("service", "ls", "--help"),
                List.of("service", "ls", "-h"), List.of("--debug", "service", "ls", "--format", "xml"),
                List.of("service", "ps", "web"), List.of("service", "ps", "web", "db", "--no-trunc"), List.of("service", "ps", "-q", "web"),
                List.of("service", "ps", "--format", "json", "web"), List.of("service", "ps"), List.of("service", "ps", "nosuch"),
                List.of("service", "ps", "--filter", "desired-state=running", "web"), List.of("service", "ps", "--help"),
                List.of("node", "ls"), List.of("node", "list", "-q"), List.of("node", "ls", "-f", "json"), List.of("node", "ls", "--format", "yaml"),
                List.of("node", "ls", "-h"), List.of("node", "ls", "--filter", "x"),
                List.of("--version", "service", "ls"), List.of("--help", "service", "ls"));
    }

    @ParameterizedTest
    @MethodSource("argumentLists")
    void aHotCommandAnswersAsTheAnnotatedTreeDoes(List<String> args) {
        List<String> all = new ArrayList<>(List.of("-H", agent.url()));
        all.addAll(args);
        String[] argv = all.toArray(String[]::new);
        CliRun hot = CliRun.run(argv);
        CliRun annotated = runOnTheWholeTree(argv);
        assertEquals(outcome(annotated, agent.url()), outcome(hot, agent.url()), String.join(" ", args));
    }

    /** The same run on the whole annotated tree (what help and completion are made from). */
    private static CliRun runOnTheWholeTree(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment e = new CliEnvironment(Map.of(), false, Clock.fixed(CliRun.NOW, ZoneOffset.UTC));
        int code = OrchCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), e).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * A run's outcome without the agent's address, the commands the root's help lists (its tree's)
     * and the frames of a --debug stack trace (picocli's call path differs; the exception not).
     */
    private static String outcome(CliRun run, String url) {
        String s = run.toString().replace(url, "URL").replaceAll("\n\t(at |\\.\\.\\. )[^\n]*", "");
        int commands = s.indexOf("\nCommands:\n");
        return commands < 0 ? s : s.substring(0, commands);
    }

    /** What picocli knows of each option or parameter, in a comparable form. */
    private static List<String> describe(List<? extends ArgSpec> args) {
        List<String> out = new ArrayList<>();
        for (ArgSpec a : args) {
            StringBuilder s = new StringBuilder();
            if (a instanceof OptionSpec o) {
                s.append(List.of(o.names())).append(" usageHelp=").append(o.usageHelp()).append(" versionHelp=").append(o.versionHelp())
                        .append(" negatable=").append(o.negatable());
            } else if (a instanceof PositionalParamSpec p) {
                s.append("index=").append(p.index());
            }
            s.append(" arity=").append(a.arity()).append(" type=").append(a.type().getName())
                    .append(" aux=").append(Arrays.stream(a.auxiliaryTypes()).map(Class::getName).toList())
                    .append(" label=").append(a.paramLabel()).append(" description=").append(List.of(a.description()))
                    .append(" required=").append(a.required()).append(" hidden=").append(a.hidden())
                    .append(" split=").append(a.splitRegex()).append(" default=").append(a.defaultValue())
                    .append(" initial=").append(a.initialValue()).append(" interactive=").append(a.interactive())
                    .append(" converters=").append(Arrays.stream(a.converters()).map(c -> c.getClass().getName()).toList());
            out.add(s.toString());
        }
        out.sort(null);
        return out;
    }
}
