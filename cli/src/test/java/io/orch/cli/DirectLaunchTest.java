package io.orch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.orch.cli.commands.NodeLsCommand;
import io.orch.cli.commands.ServiceLsCommand;
import io.orch.cli.commands.ServicePsCommand;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The hot commands read without picocli ({@link DirectLaunch}) read their arguments as picocli
 * does: whatever the plain reader takes, picocli takes too and sets the same fields, root and
 * command; the common forms are taken (so the fast path is the one used); anything else is left
 * to picocli. The outcome of a whole run (output, error line, exit code) is compared with the
 * annotated tree's in HotCommandsTest, whose runs go through {@link DirectLaunch} first.
 */
class DirectLaunchTest {
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());
    private static final CliEnvironment ENV = new CliEnvironment(Map.of(), false, Clock.systemUTC());

    @ParameterizedTest
    @ValueSource(strings = {
        "service ls", "service list", "service ls -q", "service ls --quiet --format json", "service ls --format=JSON",
        "service ls -f name=web --filter mode=global -f=label=a=b", "-H tcp://10.0.0.1:2375 service ls",
        "--host=unix:///run/orch/orch.sock --debug service ls", "--tlsverify --tlscacert ca.pem --tlscert c.pem --tlskey k.pem service ls",
        "service ps web", "service ps web db --no-trunc -q", "service ps -f desired-state=running web --format table",
        "node ls", "node list -q", "node ls -f json", "node ls --format=table"})
    void theCommonFormsOfTheHotCommandsAreReadWithoutPicocli(String line) {
        String[] args = line.split(" ");
        assertNotNull(DirectLaunch.parse(NOWHERE, NOWHERE, ENV, args), line);
        assertEquals(picocliReads(args), directReads(args), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "service", "--version", "--help", "service ls --help", "service ls -h", "node ls -h", "service ps --help",
        "service ls -qf name=db", "service ls --", "service ls @args", "service ls extra", "service ps", "service ps -- web",
        "service ls --format yaml", "service ls --format", "service ls -f novalue", "service ls -f", "service ls --quiet=true",
        "service ls -q -q", "service ls --format json --format table", "-Htcp://h:1 service ls", "-H", "-H -q service ls",
        "service ls -H tcp://h:1", "service inspect web", "service create busybox", "node ps", "node ls --filter x",
        "service ls --nope", "stack ls", "ls service", "--tlscacert bad\0path service ls", "service ps -web"})
    void argumentsOutsideThePlainSubsetAreLeftToPicocli(String line) {
        assertNull(DirectLaunch.parse(NOWHERE, NOWHERE, ENV, line.isEmpty() ? new String[0] : line.split(" ")), line);
    }

    /** Every option the annotated hot commands declare (but help, which picocli prints) is read here too. */
    @Test
    void everyAnnotatedOptionOfAHotCommandIsReadWithoutPicocli() {
        Map<String, String> sampleValues = Map.of("--filter", "name=web", "--format", "json");
        for (Object[] hot : new Object[][] {{"service ls", new ServiceLsCommand()}, {"service ps", new ServicePsCommand()}, {"node ls", new NodeLsCommand()}}) {
            CommandSpec annotated = CommandSpec.forAnnotatedObject(hot[1]);
            for (OptionSpec option : annotated.options()) {
                if (option.usageHelp()) continue;
                for (String name : option.names()) {
                    List<String> args = new ArrayList<>(List.of(((String) hot[0]).split(" ")));
                    args.add(name);
                    if (option.arity().max() > 0) {
                        String value = sampleValues.get(option.longestName());
                        assertNotNull(value, "a sample value for " + option.longestName() + " of " + hot[0]);
                        args.add(value);
                    }
                    if (hot[0].equals("service ps")) args.add("web");
                    assertNotNull(DirectLaunch.parse(NOWHERE, NOWHERE, ENV, args.toArray(String[]::new)), String.join(" ", args));
                }
            }
        }
    }

    /**
     * Any argument list: when the plain reader takes it, picocli parses it without error into the
     * same field values. Words are drawn from the hot commands' vocabulary with values good and
     * bad, so both sides of the subset's edge are hit.
     */
    @Property(tries = 3000)
    void whatThePlainReaderTakesPicocliReadsTheSame(@ForAll("argumentLists") List<String> list) {
        String[] args = list.toArray(String[]::new);
        DirectLaunch.Parsed direct = DirectLaunch.parse(NOWHERE, NOWHERE, ENV, args);
        Statistics.label("read without picocli").collect(direct != null);
        if (direct != null) {
            assertEquals(picocliReads(args), directReads(args), String.join(" ", list));
        }
        Statistics.label("read without picocli").coverage(c -> c.check(true).percentage(p -> p > 2));
    }

    @Provide
    Arbitrary<List<String>> argumentLists() {
        Arbitrary<String> globals = Arbitraries.of("-H", "--host", "-H=tcp://h:1", "--host=", "tcp://h:2375", "--tlsverify", "--debug",
                "--tlscacert", "--tlscert", "--tlskey", "ca.pem", "--tlsverify=true", "-q");
        Arbitrary<String> words = Arbitraries.of("-q", "--quiet", "-f", "--filter", "--format", "--no-trunc", "json", "JSON", "table", "yaml",
                "name=web", "label=a=b", "mode=global", "desired-state=running", "novalue", "=x", "web", "db", "-f=name=x",
                "--format=json", "--filter=mode=global", "--format=", "-qf", "--", "-", "@file", "-h", "--help", "--quiet=true", "x");
        Arbitrary<List<String>> command = Arbitraries.of(List.of("service", "ls"), List.of("service", "list"), List.of("service", "ps"),
                List.of("node", "ls"), List.of("node", "list"), List.of("service"), List.of("node", "ps"), List.of());
        return net.jqwik.api.Combinators.combine(globals.list().ofMaxSize(3), command, words.list().ofMaxSize(5)).as((g, c, w) -> {
            List<String> all = new ArrayList<>(g);
            all.addAll(c);
            all.addAll(w);
            return all;
        });
    }

    /** The root's and the command's option fields after picocli parsed {@code args} on the tree bin/orch builds for them. */
    private static Map<String, Object> picocliReads(String[] args) {
        CommandLine cl = OrchCli.commandLineFor(NOWHERE, NOWHERE, ENV, args);
        ParseResult root = cl.parseArgs(args);
        ParseResult leaf = root.subcommand().subcommand();
        return fields(root.commandSpec().userObject(), leaf.commandSpec().userObject());
    }

    private static Map<String, Object> directReads(String[] args) {
        DirectLaunch.Parsed parsed = DirectLaunch.parse(NOWHERE, NOWHERE, ENV, args);
        return fields(parsed.root(), parsed.command());
    }

    /** What the arguments set: every instance field of the root and the command but their wiring. */
    private static Map<String, Object> fields(Object root, Object command) {
        Map<String, Object> values = new TreeMap<>();
        Set<String> wiring = Set.of("out", "err", "environment", "commandLine", "api", "spec", "directRoot");
        for (Object o : new Object[] {root, command}) {
            for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || wiring.contains(f.getName())) continue;
                    try {
                        f.setAccessible(true);
                        values.put(c.getSimpleName() + "." + f.getName(), f.get(o));
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return values;
    }
}
