package io.orch.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.orch.cli.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every class of bad stack file: one line naming FILE:LINE:COLUMN and the key path, exit 1, no request sent. */
class StackErrorsTest {
    @TempDir
    static Path dir;
    private static StackFakeAgent agent;

    @BeforeAll
    static void start() throws IOException {
        agent = new StackFakeAgent();
    }

    @AfterAll
    static void stop() throws IOException {
        agent.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            yaml syntax        | services:\\n  web: [a\\n                                   | 4:1 invalid YAML: expected ',' or ']', but got <stream end>
            unknown key        | services:\\n  web:\\n    image: x\\n    imagee: y\\n          | 4:13 services.web.imagee: additional property imagee is not allowed
            unknown top key    | services: {}\\nservice: {}\\n                                | 2:10 service: additional property service is not allowed
            wrong type         | services:\\n  web:\\n    image: x\\n    deploy:\\n      replicas: two\\n | 5:17 services.web.deploy.replicas: must be an integer, got "two"
            bad enum           | services:\\n  web:\\n    image: x\\n    deploy: {mode: both}\\n | 4:20 services.web.deploy.mode: must be one of replicated, global, got "both"
            required variable  | services:\\n  web:\\n    image: ${IMG:?set IMG}\\n              | 3:12 services.web.image: required variable IMG is missing a value: set IMG
            bad interpolation  | services:\\n  web:\\n    image: "${IMG"\\n                    | 3:12 services.web.image: invalid interpolation format for "${IMG": you may need to escape any $ with another $
            missing image      | services:\\n  web:\\n    command: [a]\\n                        | 3:5 services.web: image is required
            undefined secret   | services:\\n  web:\\n    image: x\\n    secrets: [nope]\\n     | 4:15 services.web.secrets[0]: undefined secret "nope" (declare it under the top-level secrets key)
            undefined network  | services:\\n  web:\\n    image: x\\n    networks: [back]\\n    | 4:15 services.web.networks.back: undefined network "back" (declare it under the top-level networks key)
            duplicate key      | services:\\n  web:\\n    image: x\\n    image: y\\n             | 4:5 services.web.image: duplicate key "image"
            bad port           | services:\\n  web:\\n    image: x\\n    ports: ["80:http"]\\n  | 4:13 services.web.ports[0]: invalid port "80:http" (want [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL], ports 1..65535)
            bad duration       | services:\\n  web:\\n    image: x\\n    stop_grace_period: 10\\n | 4:24 services.web.stop_grace_period: invalid duration: missing unit "10" (want e.g. 10s, 1m30s)
            secret without file| services:\\n  web: {image: x}\\nsecrets:\\n  s: {}\\n              | 4:6 secrets.s: a secret needs a file (or external: true)
            missing secret file| services:\\n  web: {image: x}\\nsecrets:\\n  s: {file: ./none.txt}\\n | 4:13 secrets.s.file: cannot read DIR/none.txt (NoSuchFileException)
            global replicas    | services:\\n  web:\\n    image: x\\n    deploy: {mode: global, replicas: 2}\\n | 4:38 services.web.deploy.replicas: replicas cannot be used with mode global
            privileged         | services:\\n  web:\\n    image: x\\n    privileged: true\\n     | 4:17 services.web.privileged: privileged is not supported by swarm services (use cap_add)
            bind opts on volume| services:\\n  web:\\n    image: x\\n    volumes: [{type: volume, target: /d, bind: {propagation: shared}}]\\n | 4:48 services.web.volumes[0].bind: bind options cannot be used with a volume of type volume
            unknown volume opt | services:\\n  web:\\n    image: x\\n    volumes: [{type: volume, target: /d, volume: {nocopy: true, labels: {}}}]\\n | 4:73 services.web.volumes[0].volume.labels: additional property labels is not allowed
            log opts no driver | services:\\n  web:\\n    image: x\\n    logging: {options: {a: b}}\\n | 4:24 services.web.logging.options: options need a driver
            bad extra host     | services:\\n  web:\\n    image: x\\n    extra_hosts: [nohost]\\n | 4:19 services.web.extra_hosts[0]: bad format for add-host: "nohost": expected HOST:IP
            sysctl no value    | services:\\n  web:\\n    image: x\\n    sysctls: [net.core.x]\\n | 4:14 services.web.sysctls.net.core.x: needs a value
            empty capability   | services:\\n  web:\\n    image: x\\n    cap_add: [""]\\n | 4:15 services.web.cap_add[0]: empty capability
            jobs               | services:\\n  web:\\n    image: x\\n    deploy: {mode: replicated-job}\\n | 4:20 services.web.deploy.mode: mode replicated-job: jobs are not supported by orch yet
            """)
    void badFileIsOneLineAndNothingIsSent(String name, String yaml, String expected) throws IOException {
        Path f = dir.resolve(name.strip().replace(' ', '-') + ".yml");
        Files.writeString(f, yaml.strip().replace("\\n", "\n") + "\n");
        agent.requests().clear();
        CliRun r = CliRun.run("-H", agent.url(), "stack", "deploy", "-c", f.toString(), "st");
        assertEquals(1, r.exitCode(), r.toString());
        String want = "Error: " + f + ":" + expected.strip().replace("DIR", dir.toString());
        assertEquals(List.of(want), r.errLines());
        if (!name.strip().equals("missing secret file")) {
            assertEquals(List.of(), agent.requests(), "requests sent for a file that does not load");
        } else {
            assertEquals(List.of(), agent.writes(), "a missing secret file must fail before any write");
        }
    }
}
