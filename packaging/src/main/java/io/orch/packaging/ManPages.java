package io.orch.packaging;

import picocli.CommandLine;
import picocli.CommandLine.Help;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Build-time tool: writes one man page (section 1, troff) per command of the full command tree,
 * orch(1), orch-service(1), orch-service-ls(1)..., from the same picocli model that prints
 * `--help`, so the pages never disagree with the commands. picocli-codegen's ManPageGenerator
 * writes AsciiDoc, which needs asciidoctor (Ruby) to become a man page; the build does not
 * depend on that. Usage: ManPages OUTPUT_DIR VERSION.
 */
public final class ManPages {
    private ManPages() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ManPages OUTPUT_DIR VERSION");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        CommandLine root = Launcher.commandLine(nowhere, nowhere);
        int pages = write(root, dir, args[1], List.of());
        System.out.println("ManPages: " + pages + " pages in " + dir);
        System.exit(0);
    }

    private static int write(CommandLine cl, Path dir, String version, List<String> parentSeeAlso) throws IOException {
        String page = pageName(cl);
        List<String> seeAlso = new ArrayList<>(parentSeeAlso);
        cl.getSubcommands().values().stream().distinct().forEach(sub -> seeAlso.add(pageName(sub)));
        Files.writeString(dir.resolve(page + ".1"), troff(cl, page, version, seeAlso), StandardCharsets.UTF_8);
        int pages = 1;
        for (CommandLine sub : cl.getSubcommands().values().stream().distinct().toList()) {
            pages += write(sub, dir, version, List.of(page));
        }
        return pages;
    }

    /** orch, orch-service, orch-service-ls: the command's qualified name, as git and docker name theirs. */
    static String pageName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName("-");
    }

    static String troff(CommandLine cl, String page, String version, List<String> seeAlso) {
        String[] description = cl.getCommandSpec().usageMessage().description();
        String summary = description.length == 0 ? cl.getCommandSpec().qualifiedName() : description[0];
        StringBuilder b = new StringBuilder();
        b.append(".TH ").append(page.toUpperCase()).append(" 1 \"\" \"orch ").append(escape(version))
                .append("\" \"orch manual\"\n");
        b.append(".SH NAME\n").append(page.replace("-", "\\-")).append(" \\- ").append(escape(summary)).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n").append(literal(cl.getHelp().synopsis(0).stripTrailing())).append("\n.fi\n");
        b.append(".SH DESCRIPTION\n.nf\n").append(literal(cl.getUsageMessage(Help.Ansi.OFF).stripTrailing())).append("\n.fi\n");
        if (!seeAlso.isEmpty()) {
            b.append(".SH SEE ALSO\n");
            List<String> refs = seeAlso.stream().map(p -> ".BR " + p.replace("-", "\\-") + " (1)").toList();
            b.append(String.join(",\n", refs)).append('\n');
        }
        return b.toString();
    }

    /** Running text: backslashes escaped. */
    private static String escape(String s) {
        return s.replace("\\", "\\e").replace("\"", "\\(dq");
    }

    /** A no-fill block: backslashes escaped, and no line read as a request (leading . or '). */
    private static String literal(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String l = line.replace("\\", "\\e");
            if (l.startsWith(".") || l.startsWith("'")) {
                l = "\\&" + l;
            }
            b.append(l).append('\n');
        }
        return b.toString().stripTrailing();
    }
}
