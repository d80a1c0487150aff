package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.ExitCodes;
import io.orch.cli.client.CliException;
import io.orch.cli.progress.RootRotationProgress;
import io.orch.cli.render.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orch ca [--rotate [-d] [-q] [--cert-expiry D]]}, like {@code docker swarm ca}: without
 * {@code --rotate} prints the cluster's root CA certificate (GET /swarm TLSInfo.TrustRoot); with it
 * sends the spec back with CAConfig.ForceRotate incremented (POST /swarm/update), then, unless
 * {@code --detach}, polls GET /swarm and GET /nodes until every node holds a certificate of the
 * new root and trusts only it, showing how many have, and prints the new root. A root CA of one's
 * own ({@code --ca-cert}, {@code --ca-key}) or an external CA ({@code --external-ca}) is not
 * supported: refused with one line.
 */
@Command(name = "ca", description = {"Display the cluster's root CA certificate, or rotate the root CA.",
        "A rotation generates a new root CA, moves every node onto it without downtime (a certificate of the new root, "
                + "cross-signed by the old, while both are trusted), and changes the join tokens to the new root at once "
                + "(the old tokens are refused). A node that is down until the rotation finishes must join again."})
public final class CaCommand extends OrchCommand {
    /** Docker polls every 200 ms; half a second is enough for a person to watch. */
    static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--rotate", description = "Rotate the root CA: generate a new one and move every node onto it.")
    boolean rotate;

    @Option(names = {"-d", "--detach"}, description = "Exit once the rotation has started instead of waiting for it to finish.")
    boolean detach;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output.")
    boolean quiet;

    @Option(names = "--cert-expiry", converter = Converters.Duration.class,
            description = "With --rotate: also set the validity period for node certificates (ns|us|ms|s|m|h), at least 1m.")
    Long certExpiry;

    @Option(names = "--ca-cert", hidden = true)
    String caCert;

    @Option(names = "--ca-key", hidden = true)
    String caKey;

    @Option(names = "--external-ca", hidden = true)
    String externalCa;

    @Option(names = "--timeout", converter = Converters.Duration.class,
            description = "With --rotate: stop waiting after this long (the rotation carries on); default: wait until it finishes.")
    Long timeoutNanos;

    @Override
    public Integer call() {
        if (caCert != null || caKey != null || externalCa != null) {
            String flag = caCert != null ? "--ca-cert" : caKey != null ? "--ca-key" : "--external-ca";
            throw new CliException(ExitCodes.USAGE, "Error: " + flag + " is not supported: orch rotates to a root CA it "
                    + "generates itself (orch ca --rotate); a root CA of your own or an external CA is not supported");
        }
        if (!rotate && (detach || certExpiry != null || timeoutNanos != null)) {
            throw new CliException(ExitCodes.USAGE, "Error: --detach, --cert-expiry and --timeout require --rotate");
        }
        PrintWriter out = out();
        JsonNode swarm = api().get("/swarm");
        if (!rotate) {
            printTrustRoot(out, swarm);
            return ExitCodes.OK;
        }
        long version = swarm.path("Version").path("Index").asLong();
        ObjectNode spec = swarm.path("Spec").isObject() ? ((ObjectNode) swarm.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
        ObjectNode ca = spec.path("CAConfig").isObject() ? (ObjectNode) spec.path("CAConfig") : spec.putObject("CAConfig");
        ca.put("ForceRotate", ca.path("ForceRotate").asLong(0) + 1);
        if (certExpiry != null) {
            ca.put("NodeCertExpiry", certExpiry);
        }
        api().post("/swarm/update?version=" + version, spec);
        if (detach) {
            if (!quiet) {
                out.println("Root CA rotation started; `orch ca --rotate` without --detach, or `orch info`, shows its progress.");
                out.flush();
            }
            return ExitCodes.OK;
        }
        if (!await(out)) {
            out.println("Operation continuing in background.");
            out.println("Use `orch node ls` and `orch ca` to check progress.");
            out.flush();
            return ExitCodes.FAILURE;
        }
        printTrustRoot(out, api().get("/swarm"));
        return ExitCodes.OK;
    }

    /** Polls until the rotation has converged (true) or the timeout passed (false); prints each change of the counts. */
    private boolean await(PrintWriter out) {
        Instant deadline = timeoutNanos == null ? null : Instant.now().plusNanos(timeoutNanos);
        String last = "";
        while (true) {
            RootRotationProgress progress = RootRotationProgress.of(api().get("/swarm"), api().nodes());
            if (!quiet && !progress.line().equals(last)) {
                last = progress.line();
                out.println(last);
                out.flush();
            }
            if (progress.done()) {
                return true;
            }
            if (deadline != null && Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis()); // polling the API, as docker does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static void printTrustRoot(PrintWriter out, JsonNode swarm) {
        String root = swarm.path("TLSInfo").path("TrustRoot").asText("");
        if (root.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "Error: No CA information available");
        }
        out.println(root.strip());
        out.flush();
    }
}
