package io.orch.cli;

import static io.orch.cli.commands.HandBuiltSpecs.flag;
import static io.orch.cli.commands.HandBuiltSpecs.help;
import static io.orch.cli.commands.HandBuiltSpecs.value;
import static io.orch.cli.commands.HandBuiltSpecs.version;

import io.orch.api.Defaults;
import io.orch.cli.client.CliException;
import io.orch.cli.client.ClientTls;
import io.orch.cli.client.TlsFlags;
import io.orch.cli.client.DockerApi;
import io.orch.cli.client.HostAddress;
import io.orch.cli.client.HttpClient;
import io.orch.cli.commands.EventsCommand;
import io.orch.cli.commands.ImageCommand;
import io.orch.cli.commands.InfoCommand;
import io.orch.cli.commands.CaCommand;
import io.orch.cli.commands.JoinTokenCommand;
import io.orch.cli.commands.UnlockCommand;
import io.orch.cli.commands.UnlockKeyCommand;
import io.orch.cli.commands.LoginCommand;
import io.orch.cli.commands.NetworkCommand;
import io.orch.cli.commands.NodeCommand;
import io.orch.cli.commands.ServiceCommand;
import io.orch.cli.commands.CertCommand;
import io.orch.cli.commands.ClusterCommand;
import io.orch.cli.commands.CompletionCommand;
import io.orch.cli.commands.ConfigCommand;
import io.orch.cli.commands.SecretCommand;
import io.orch.cli.commands.StackCommand;
import io.orch.cli.commands.VersionCommand;
import io.orch.cli.commands.HotCommands;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The top-level {@code orch} command. Global options live here (before the subcommand, as with
 * docker); subcommands reach them, the injected out/err and the API client through
 * {@code spec.root().userObject()}, which is this object. A launcher may add more subcommands to
 * the returned CommandLine; they get the same error handling because it is installed on the root.
 * Its picocli model is built by hand ({@link #spec()}), not read from annotations: every run
 * builds the root, and reading annotations is the costliest part of a short command's start.
 */
public final class OrchCli implements Callable<Integer> {
    /**
     * The top-level commands, in the order help lists them. Registered by {@link #commandLine}
     * rather than in the annotation, so that a one-shot launcher can build only the one it runs.
     */
    public static final List<Class<?>> COMMANDS = List.of(VersionCommand.class, InfoCommand.class, EventsCommand.class, NodeCommand.class,
            ServiceCommand.class, StackCommand.class, SecretCommand.class, ConfigCommand.class, ClusterCommand.class,
            ImageCommand.class, JoinTokenCommand.class, CaCommand.class, NetworkCommand.class, CompletionCommand.class,
            LoginCommand.class, CertCommand.class, UnlockCommand.class, UnlockKeyCommand.class);

    public static final String HOST_ENV = "ORCH_HOST";
    /** The docker CLI's own variables, read as it reads them, so one environment drives both CLIs. */
    public static final String DOCKER_HOST_ENV = "DOCKER_HOST";
    public static final String TLS_VERIFY_ENV = "DOCKER_TLS_VERIFY";
    public static final String CERT_PATH_ENV = "DOCKER_CERT_PATH";

    // the global options, set by picocli through spec()
    String host;
    boolean tlsVerify;
    Path tlsCaCert;
    Path tlsCert;
    Path tlsKey;
    boolean debug;
    boolean versionRequested;
    boolean helpRequested;

    private final PrintWriter out;
    private final PrintWriter err;
    private final CliEnvironment environment;
    private CommandLine commandLine;
    private DockerApi api;

    OrchCli(PrintWriter out, PrintWriter err, CliEnvironment environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CliEnvironment.system());
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err, CliEnvironment environment) {
        return commandLine(out, err, environment, null);
    }

    /**
     * The tree with only the top-level command {@code args} run (and its subcommands), or the whole
     * tree when they name none (help, a typo that needs suggestions). picocli introspects every
     * command it is handed before it parses, which is most of what a CLI run costs: a launcher that
     * starts a JVM per command builds only the command it runs, and the hot commands
     * ({@link HotCommands}) from models built by hand.
     */
    public static CommandLine commandLineFor(PrintWriter out, PrintWriter err, String... args) {
        return commandLineFor(out, err, CliEnvironment.system(), args);
    }

    /** {@link #commandLineFor(PrintWriter, PrintWriter, String...)} in {@code environment}. */
    public static CommandLine commandLineFor(PrintWriter out, PrintWriter err, CliEnvironment environment, String... args) {
        return commandLine(out, err, environment, args);
    }

    /**
     * The root alone: its global options and error handling, none of the CLI's commands. For a
     * launcher that adds the one command it runs and keeps for the life of the process (the
     * agent's): a tree built and introspected for nothing would stay reachable as long.
     */
    public static CommandLine rootCommandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CliEnvironment.system(), NO_COMMAND);
    }

    private static final String[] NO_COMMAND = {};

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, CliEnvironment environment, String[] args) {
        OrchCli root = new OrchCli(out, err, environment);
        CommandLine cl = new CommandLine(root.spec());
        root.commandLine = cl;
        int at = args == null ? -1 : commandWord(cl, args);
        String only = at < 0 ? null : args[at];
        CommandLine hot = only == null || at + 1 >= args.length ? null : HotCommands.group(only, args[at + 1]);
        if (hot != null) {
            cl.addSubcommand(only, hot);
        } else if (args != NO_COMMAND && !versionOnly(args, only)) { // NO_COMMAND: the root alone, the launcher adds the one command it runs
            // completion writes a script for the whole tree, so it needs all of it
            boolean known = only != null && !only.equals("completion") && COMMANDS.stream().anyMatch(c -> commandName(c).equals(only));
            for (Class<?> command : COMMANDS) {
                if (!known) {
                    cl.addSubcommand(command);
                } else if (commandName(command).equals(only)) {
                    cl.addSubcommand(only, groupWithOnly(command, at + 1 < args.length ? args[at + 1] : null));
                }
            }
        }
        ErrorHandler handler = new ErrorHandler(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(handler);
        cl.setExecutionExceptionHandler(handler);
        // docker semantics: everything after IMAGE belongs to the container's command
        CommandLine service = cl.getSubcommands().get("service");
        CommandLine create = service == null ? null : service.getSubcommands().get("create");
        if (create != null) {
            create.setStopAtPositional(true);
        }
        return cl;
    }

    /**
     * {@code orch --version}, without a command or help: picocli prints the root's version and
     * stops, so the root alone answers it (the whole tree costs a cold JVM about 150 ms more).
     */
    private static boolean versionOnly(String[] args, String only) {
        if (args == null) {
            return false; // the whole tree was asked for
        }
        List<String> list = List.of(args);
        return only == null && list.contains("--version") && !list.contains("-h") && !list.contains("--help");
    }

    private static String commandName(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /**
     * A group command ({@code orch service}) with only its subcommand {@code word}, uninspected (it
     * is not what runs, and has no options of its own but help), or the command as it is when
     * {@code word} names none of its subcommands: then its help and suggestions need them all.
     */
    private static Object groupWithOnly(Class<?> command, String word) {
        Command group = command.getAnnotation(Command.class);
        Class<?> sub = word == null ? null : java.util.Arrays.stream(group.subcommands())
                .filter(c -> commandName(c).equals(word) || java.util.Arrays.asList(c.getAnnotation(Command.class).aliases()).contains(word))
                .findFirst().orElse(null);
        if (sub == null) {
            return command;
        }
        try {
            CommandSpec spec = CommandSpec.wrapWithoutInspection(command.getDeclaredConstructor().newInstance());
            spec.name(group.name());
            spec.usageMessage().description(group.description());
            CommandLine only = new CommandLine(spec);
            only.addSubcommand(sub);
            return only;
        } catch (ReflectiveOperationException e) {
            return command; // not a plain group: picocli builds all of it
        }
    }

    /** The index of the first argument that is neither a global option nor the value of one, or -1. */
    private static int commandWord(CommandLine root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                return i;
            }
            OptionSpec option = root.getCommandSpec().findOption(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
            if (option != null && !arg.contains("=") && option.arity().max() > 0) {
                i++; // its value
            }
        }
        return -1;
    }

    /** The root's model: name, description, version and the global options, bound to this object's fields. */
    private CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
        spec.name("orch");
        spec.usageMessage().description("A Docker-Swarm-like container orchestrator.");
        spec.versionProvider(new VersionProvider());
        spec.addOption(value(new String[] {"-H", "--host"}, String.class, "URL",
                "Agent API address: unix:///path, tcp://host:port or host:port (env ORCH_HOST, else DOCKER_HOST; "
                        + "default: the local socket, /run/orch/orch.sock as root, ~/.orch/orch.sock otherwise).",
                () -> host, v -> host = v));
        spec.addOption(flag(new String[] {"--tlsverify"}, "tlsVerify", "Use TLS and verify the agent's certificate against --tlscacert, presenting "
                + "--tlscert/--tlskey (env DOCKER_TLS_VERIFY; for tcp:// hosts; as docker's --tlsverify).", () -> tlsVerify, v -> tlsVerify = v));
        spec.addOption(value(new String[] {"--tlscacert"}, Path.class, "FILE", "Trust only certificates signed by this CA "
                + "(default: $DOCKER_CERT_PATH/ca.pem, else ~/.docker/ca.pem).", () -> tlsCaCert, v -> tlsCaCert = v));
        spec.addOption(value(new String[] {"--tlscert"}, Path.class, "FILE",
                "Client certificate (default: $DOCKER_CERT_PATH/cert.pem, else ~/.docker/cert.pem).", () -> tlsCert, v -> tlsCert = v));
        spec.addOption(value(new String[] {"--tlskey"}, Path.class, "FILE",
                "Client key (default: $DOCKER_CERT_PATH/key.pem, else ~/.docker/key.pem).", () -> tlsKey, v -> tlsKey = v));
        spec.addOption(flag(new String[] {"--debug"}, "debug", "Print stack traces on errors.", () -> debug, v -> debug = v));
        spec.addOption(version(() -> versionRequested, v -> versionRequested = v));
        spec.addOption(help(() -> helpRequested, v -> helpRequested = v));
        return spec;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    @Override
    public Integer call() {
        commandLine.usage(out);
        return ExitCodes.OK;
    }

    public PrintWriter out() { return out; }

    public PrintWriter err() { return err; }

    public boolean debug() { return debug; }

    public CliEnvironment environment() { return environment; }

    /** -H, else ORCH_HOST, else DOCKER_HOST (as the docker CLI reads it), else the local socket. */
    public String hostUrl() {
        if (host != null && !host.isBlank()) return host;
        for (String name : new String[] {HOST_ENV, DOCKER_HOST_ENV}) {
            String env = environment.get(name);
            if (env != null && !env.isBlank()) return env;
        }
        return Defaults.defaultHost();
    }

    public HostAddress hostAddress() {
        try {
            return HostAddress.parse(hostUrl());
        } catch (IllegalArgumentException e) {
            String source = host != null ? "--host" : isSet(HOST_ENV) ? HOST_ENV : isSet(DOCKER_HOST_ENV) ? DOCKER_HOST_ENV : "default host";
            throw new CliException(ExitCodes.USAGE, "Error: " + e.getMessage() + " (from " + source + ")");
        }
    }

    private boolean isSet(String name) {
        String v = environment.get(name);
        return v != null && !v.isBlank();
    }

    public DockerApi api() {
        if (api == null) {
            HostAddress address = hostAddress();
            api = new DockerApi(new HttpClient(address, clientTls(address), Duration.ofSeconds(5), Duration.ofSeconds(60)));
        }
        return api;
    }

    /** The TLS {@code --tlsverify} or DOCKER_TLS_VERIFY asks for, or null; as the docker CLI does it. */
    ClientTls clientTls(HostAddress address) {
        TlsFlags flags = new TlsFlags(tlsVerify || isSet(TLS_VERIFY_ENV), tlsCaCert, tlsCert, tlsKey);
        try {
            return flags.resolve(address, environment.get(CERT_PATH_ENV), environment.get("HOME"));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "Error: " + e.getMessage());
        }
    }

    public static String clientVersion() {
        String v = OrchCli.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"orch version " + clientVersion() + ", API " + Defaults.API_VERSION};
        }
    }
}
