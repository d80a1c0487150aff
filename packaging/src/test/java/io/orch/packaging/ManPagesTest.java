package io.orch.packaging;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManPagesTest {
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());

    @Test
    void aSubcommandsPageIsNamedForItsPathAndCarriesItsSummaryAndUsage() {
        CommandLine ls = Launcher.commandLine(NOWHERE, NOWHERE).getSubcommands().get("service").getSubcommands().get("ls");
        assertEquals("orch-service-ls", ManPages.pageName(ls));
        String page = ManPages.troff(ls, "orch-service-ls", "1.2.3", List.of("orch-service"));
        assertTrue(page.startsWith(".TH ORCH-SERVICE-LS 1 \"\" \"orch 1.2.3\" \"orch manual\"\n.SH NAME\norch\\-service\\-ls \\- "), page);
        assertTrue(page.contains(".SH SYNOPSIS\n.nf\norch service ls [-hq]"), page);
        assertTrue(page.contains(".SH DESCRIPTION\n.nf\nUsage: orch service ls"), page);
        assertTrue(page.contains(".SH SEE ALSO\n.BR orch\\-service (1)"), page);
    }

    @Test
    void noUsageLineIsReadAsATroffRequest() {
        CommandLine root = Launcher.commandLine(NOWHERE, NOWHERE);
        String page = ManPages.troff(root, "orch", "1", List.of());
        int start = page.indexOf(".SH DESCRIPTION\n.nf\n") + ".SH DESCRIPTION\n.nf\n".length();
        String body = page.substring(start, page.indexOf("\n.fi\n", start));
        for (String line : body.split("\n")) {
            assertTrue(!line.startsWith(".") && !line.startsWith("'"), line);
        }
    }
}
