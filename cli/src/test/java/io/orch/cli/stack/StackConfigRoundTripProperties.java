package io.orch.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orch.cli.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** parse -> print ({@code stack config}) -> parse gives the same stack, for generated compose documents. */
class StackConfigRoundTripProperties {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path DIR = Path.of("/tmp/orch-stack-property");

    /** Strings YAML or a careless printer would retype: booleans, octal, hex, sexagesimal, specials. */
    private static Arbitrary<String> tricky() {
        return Arbitraries.oneOf(
                Arbitraries.of("yes", "no", "on", "true", "False", "null", "~", "0400", "0x1F", "0o17", "1:30", "1e3", ".5",
                        "-", "a: b", "#x", "x #y", "'q'", "\"d\"", "", " lead", "trail ", "multi\nline", "$$", "é ü", "1_000", "[x]", "{y}"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8));
    }

    private static Arbitrary<String> name() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    }

    private static Arbitrary<ObjectNode> service() {
        Arbitrary<Map<String, String>> env = Arbitraries.maps(name().map(String::toUpperCase), tricky()).ofMaxSize(4);
        Arbitrary<List<String>> command = tricky().list().ofMaxSize(3);
        Arbitrary<List<Object>> ports = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 65535).map(p -> (Object) (p + ":80")),
                Arbitraries.integers().between(1, 65535).map(p -> (Object) Map.of("target", p, "mode", "host"))).list().ofMaxSize(3);
        Arbitrary<Integer> replicas = Arbitraries.integers().between(0, 9);
        Arbitrary<String> duration = Arbitraries.of("10s", "1m30s", "500ms", "2h", "1.5s");
        return Combinators.combine(env, command, ports, replicas, duration, Arbitraries.of(true, false)).as((e, c, p, r, d, global) -> {
            ObjectNode s = Fixtures.JSON.createObjectNode();
            s.put("image", "busybox:1");
            if (!c.isEmpty()) {
                ArrayNode a = s.putArray("command");
                c.forEach(a::add);
            }
            if (!e.isEmpty()) s.set("environment", Fixtures.JSON.valueToTree(e));
            if (!p.isEmpty()) s.set("ports", Fixtures.JSON.valueToTree(p));
            s.putObject("healthcheck").put("test", "true").put("interval", d).put("retries", r);
            ObjectNode deploy = s.putObject("deploy");
            if (global) deploy.put("mode", "global"); else deploy.put("replicas", r);
            deploy.putObject("labels").put("k", c.isEmpty() ? "v" : c.get(0));
            deploy.putObject("update_config").put("delay", d).put("order", "start-first");
            s.putArray("secrets").addObject().put("source", "s").put("mode", 0400);
            return s;
        });
    }

    @Provide
    Arbitrary<ObjectNode> documents() {
        return Arbitraries.maps(name(), service()).ofMinSize(1).ofMaxSize(3).map(services -> {
            ObjectNode doc = Fixtures.JSON.createObjectNode();
            doc.put("version", "3.9");
            ObjectNode s = doc.putObject("services");
            services.forEach(s::set);
            doc.putObject("secrets").putObject("s").put("file", "./s.txt");
            return doc;
        });
    }

    @Property(tries = 80)
    void printedConfigLoadsBackUnchanged(@ForAll("documents") ObjectNode document) throws Exception {
        String text = YAML.writeValueAsString(document);
        ComposeLoader loader = new ComposeLoader(Map.of()).interpolate(false);
        StackFile first = loader.loadSources(List.of(new ComposeLoader.Source("gen.yml", text, DIR)));
        String printed = first.toYaml();
        StackFile second = loader.loadSources(List.of(new ComposeLoader.Source("printed.yml", printed, DIR)));
        assertEquals(first.model(), second.model(), printed);
        assertEquals(printed, second.toYaml());
    }
}
