package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.ExitCodes;
import io.orch.cli.certs.ClientKey;
import io.orch.cli.certs.ClientCertificateFiles;
import io.orch.cli.client.CliException;
import io.orch.cli.render.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch cert issue --client NAME --out DIR [--expiry DURATION]}: makes a key and a CSR here,
 * has a manager sign it as an API client certificate of the cluster (POST
 * /orch/certificates/client), and writes {@code ca.pem}, {@code cert.pem} and {@code key.pem}
 * (docker's names; the key 0600, DIR 0700 when created) for {@code docker --tlsverify} or
 * {@code orch --tlsverify} against an agent started with {@code --tlsverify}.
 */
@Command(name = "issue", description = "Issue a client certificate for the TLS API (docker --tlsverify); "
        + "the key is made here and never sent.")
public final class CertIssueCommand extends OrchCommand {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    @Option(names = "--client", required = true, paramLabel = "NAME",
            description = "The client's name (the certificate's CN): letters, digits, '_', '.', '-', at most 64.")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write ca.pem, cert.pem and key.pem into (created 0700; existing files are not replaced).")
    Path out;

    @Option(names = "--expiry", converter = Converters.Duration.class, paramLabel = "DURATION",
            description = "Validity (ns|us|ms|s|m|h), e.g. 720h; at least 1m (default: the cluster's node certificate expiry).")
    Long expiryNanos;

    @Override
    public Integer call() {
        if (!NAME.matcher(name).matches()) {
            throw new CliException(ExitCodes.USAGE, "Error: --client \"" + name
                    + "\": expected a letter or digit, then letters, digits, '_', '.' or '-' (at most 64 characters)");
        }
        ClientCertificateFiles files = new ClientCertificateFiles(out);
        try {
            files.checkFree();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "Error: --out " + out + ": " + e.getMessage());
        }
        ClientKey key = ClientKey.generate();
        ObjectNode body = Json.mapper().createObjectNode().put("Name", name).put("CSR", key.csrPem(name));
        if (expiryNanos != null) {
            body.put("Expiry", expiryNanos);
        }
        JsonNode answer = api().post("/orch/certificates/client", body);
        String certificate = answer.path("Certificate").asText("");
        String ca = answer.path("CA").asText("");
        if (certificate.isEmpty() || ca.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "Error: the agent answered no certificate");
        }
        try {
            files.write(ca, certificate, key.privateKeyPem());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "Error: --out " + out + ": " + e.getMessage());
        }
        out().printf("Client certificate for \"%s\" written to %s (ca.pem, cert.pem, key.pem), valid until %s.%n",
                name, out, answer.path("NotAfter").asText("?"));
        out().flush();
        return ExitCodes.OK;
    }
}
