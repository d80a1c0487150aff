package io.orch.cli;

import io.orch.cli.client.CliException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr and an exit code: 2 for usage errors (parsing and
 * client-side validation), the exception's own code for {@link CliException}, 1 otherwise.
 * Stack traces appear only with {@code --debug}. Installed on the root command, so it also
 * covers subcommands that a launcher adds later.
 */
final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    private final OrchCli root;

    ErrorHandler(OrchCli root) {
        this.root = root;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = root.err();
        err.println("Error: " + usageMessage(ex));
        String suggestion = suggestion(ex);
        if (suggestion != null) err.println(suggestion);
        if (root.debug() || List.of(args).contains("--debug")) ex.printStackTrace(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        return report(ex);
    }

    /** A command's failure as one line (its stack trace with --debug); the exit code it means. */
    int report(Exception ex) {
        PrintWriter err = root.err();
        int code;
        if (ex instanceof ParameterException pe) {
            err.println("Error: " + usageMessage(pe));
            code = ExitCodes.USAGE;
        } else if (ex instanceof CliException ce) {
            err.println(ce.line());
            code = ce.exitCode();
        } else {
            String m = ex.getMessage();
            err.println("Error: " + (m == null || m.isBlank() ? ex.getClass().getName() : m));
            code = ExitCodes.FAILURE;
        }
        if (root.debug()) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    /** "Did you mean: service?" for a mistyped subcommand or flag; null when nothing is close. */
    static String suggestion(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException ue) || ue.getUnmatched().isEmpty() || ue.getCommandLine() == null) return null;
        List<String> names = Suggestions.forArgument(ue.getCommandLine(), ue.getUnmatched().get(0));
        return names.isEmpty() ? null : "Did you mean: " + String.join(", ", names) + "?";
    }

    /** docker's wording where it has one: {@code invalid argument "x" for "--flag": reason}. */
    static String usageMessage(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException ue && !ue.getUnmatched().isEmpty()) {
            String first = ue.getUnmatched().get(0);
            if (first.startsWith("-")) return "unknown flag: " + first;
            CommandLine at = ue.getCommandLine();
            if (at != null && !at.getSubcommands().isEmpty()) {
                return "unknown command \"" + first + "\" for \"" + at.getCommandSpec().qualifiedName() + "\"";
            }
            return "unexpected argument: " + first;
        }
        Throwable cause = ex.getCause();
        ArgSpec arg = ex.getArgSpec();
        if (cause instanceof TypeConversionException || cause instanceof IllegalArgumentException) {
            String name = arg instanceof OptionSpec o ? o.longestName() : arg != null ? arg.paramLabel() : "argument";
            return "invalid argument \"" + ex.getValue() + "\" for \"" + name + "\": " + cause.getMessage();
        }
        String m = ex.getMessage();
        return m == null ? "invalid usage" : firstLine(m);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
