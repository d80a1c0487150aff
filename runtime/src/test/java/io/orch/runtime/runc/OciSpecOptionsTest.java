package io.orch.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ContainerSpec's process, security, DNS, hosts and mount settings as they land in the OCI config.json. */
class OciSpecOptionsTest {
    private static final ImageConfig IMAGE = new ImageConfig(List.of(), List.of("sh", "-c", "sleep 1"), List.of(), "", "",
            Map.of(), "", Optional.empty(), List.of(), "linux", "amd64", "", List.of());
    @TempDir
    Path dir;
    Path rootfs;
    Path taskDir;
    Path volumes;

    @BeforeEach
    void setUp() throws Exception {
        rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        rootfs = rootfs.getParent();
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:\nwheel:x:10:root\n");
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        taskDir = Files.createDirectories(dir.resolve("task"));
        volumes = Files.createDirectories(dir.resolve("volumes"));
    }

    private static ContainerOptions options(List<String> add, List<String> drop, Map<String, String> sysctls,
                                            List<ContainerOptions.Ulimit> ulimits, List<String> groups, boolean init,
                                            boolean noNewPrivileges) {
        return new ContainerOptions(add, drop, sysctls, ulimits, Optional.empty(), List.of(), groups, init,
                noNewPrivileges, Optional.empty());
    }

    private ObjectNode build(ContainerOptions o, List<TaskConfig.Mount> mounts, TaskConfig.Network network)
            throws RuntimeFailure {
        TaskConfig.Container c = new TaskConfig.Container(List.of(), List.of(), false, mounts, Optional.empty()).withOptions(o);
        TaskConfig config = new TaskConfig("t1", "svc.1.t1", "img", List.of(), Map.of(), "", "", "h", TaskConfig.Resources.NONE,
                Map.of(), taskDir, c, network);
        return OciSpec.build(config, IMAGE, rootfs, "h", "/orch/t1", volumes);
    }

    private ObjectNode build(ContainerOptions o) throws RuntimeFailure {
        return build(o, List.of(), TaskConfig.Network.DEFAULT);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode mountAt(ObjectNode spec, String destination) {
        for (JsonNode m : spec.path("mounts")) {
            if (m.path("destination").asText().equals(destination)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + destination);
    }

    @Test
    void withoutOptionsTheProcessHasDockersDefaultCapabilitiesAndNoExtras() throws Exception {
        ObjectNode spec = build(ContainerOptions.NONE);
        JsonNode caps = spec.path("process").path("capabilities");
        assertEquals(Capabilities.DEFAULT, texts(caps.path("effective")));
        assertFalse(caps.has("ambient"));
        assertFalse(spec.path("linux").has("sysctl"));
        assertFalse(spec.path("process").path("user").has("additionalGids"));
        assertEquals(List.of("sh", "-c", "sleep 1"), texts(spec.path("process").path("args")));
        assertFalse(spec.path("process").path("noNewPrivileges").asBoolean());
    }

    @Test
    void capabilityAddAndDropChangeBoundingEffectiveAndPermittedAlike() throws Exception {
        JsonNode caps = build(options(List.of("net_admin", "CAP_SYS_TIME"), List.of("CHOWN"), Map.of(), List.of(), List.of(),
                false, false)).path("process").path("capabilities");
        List<String> effective = texts(caps.path("effective"));
        assertTrue(effective.contains("CAP_NET_ADMIN") && effective.contains("CAP_SYS_TIME"), effective.toString());
        assertFalse(effective.contains("CAP_CHOWN"));
        assertEquals(effective, texts(caps.path("bounding")));
        assertEquals(effective, texts(caps.path("permitted")));
        assertFalse(caps.has("ambient"));
    }

    @Test
    void allInAddsIsEveryKernelCapabilityMinusDropsAndAllInDropsLeavesOnlyAdds() throws Exception {
        List<String> all = texts(build(options(List.of("ALL"), List.of("sys_admin"), Map.of(), List.of(), List.of(), false,
                false)).path("process").path("capabilities").path("effective"));
        List<String> expected = new ArrayList<>(Capabilities.ofKernel());
        expected.remove("CAP_SYS_ADMIN");
        assertEquals(expected, all);
        assertEquals(List.of("CAP_KILL"), texts(build(options(List.of("kill"), List.of("all"), Map.of(), List.of(), List.of(),
                false, false)).path("process").path("capabilities").path("effective")));
    }

    @Test
    void anUnknownCapabilityFailsNamingIt() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> build(options(List.of("CAP_FLY"), List.of(), Map.of(),
                List.of(), List.of(), false, false)));
        assertTrue(e.getMessage().contains("CAP_FLY"), e.getMessage());
    }

    @Test
    void namespacedSysctlsGoToLinuxSysctlAndOthersAreRefusedNamingTheKey() throws Exception {
        JsonNode sysctl = build(options(List.of(), List.of(), Map.of("net.core.somaxconn", "1024", "kernel.shmmax", "65536",
                "fs.mqueue.msg_max", "20"), List.of(), List.of(), false, false)).path("linux").path("sysctl");
        assertEquals("1024", sysctl.path("net.core.somaxconn").asText());
        assertEquals("65536", sysctl.path("kernel.shmmax").asText());
        assertEquals("20", sysctl.path("fs.mqueue.msg_max").asText());
        RuntimeFailure host = assertThrows(RuntimeFailure.class, () -> build(options(List.of(), List.of(),
                Map.of("vm.swappiness", "1"), List.of(), List.of(), false, false)));
        assertTrue(host.getMessage().contains("vm.swappiness"), host.getMessage());
        RuntimeFailure hostNet = assertThrows(RuntimeFailure.class, () -> build(options(List.of(), List.of(),
                Map.of("net.core.somaxconn", "1"), List.of(), List.of(), false, false), List.of(),
                new TaskConfig.Network(TaskConfig.Network.Mode.HOST, List.of())));
        assertTrue(hostNet.getMessage().contains("net.core.somaxconn") && hostNet.getMessage().contains("host"),
                hostNet.getMessage());
    }

    @Test
    void ulimitsBecomeRlimitsReplacingTheDefaultNofile() throws Exception {
        JsonNode rlimits = build(options(List.of(), List.of(), Map.of(), List.of(new ContainerOptions.Ulimit("nofile", 100, 200),
                new ContainerOptions.Ulimit("core", -1, -1)), List.of(), false, false)).path("process").path("rlimits");
        assertEquals(2, rlimits.size(), rlimits.toString());
        assertEquals("RLIMIT_NOFILE", rlimits.get(0).path("type").asText());
        assertEquals(100, rlimits.get(0).path("soft").asLong());
        assertEquals(200, rlimits.get(0).path("hard").asLong());
        assertEquals("RLIMIT_CORE", rlimits.get(1).path("type").asText());
        assertEquals("18446744073709551615", rlimits.get(1).path("hard").asText()); // RLIM_INFINITY as a uint64
        RuntimeFailure softOverHard = assertThrows(RuntimeFailure.class, () -> build(options(List.of(), List.of(), Map.of(),
                List.of(new ContainerOptions.Ulimit("nproc", 10, 5)), List.of(), false, false)));
        assertTrue(softOverHard.getMessage().contains("nproc"), softOverHard.getMessage());
        RuntimeFailure unknown = assertThrows(RuntimeFailure.class, () -> build(options(List.of(), List.of(), Map.of(),
                List.of(new ContainerOptions.Ulimit("files", 10, 50)), List.of(), false, false)));
        assertTrue(unknown.getMessage().contains("\"files\""), unknown.getMessage());
    }

    @Test
    void groupsAreAdditionalGidsResolvedInTheImagesEtcGroup() throws Exception {
        JsonNode user = build(options(List.of(), List.of(), Map.of(), List.of(), List.of("staff", "1234"), false, false))
                .path("process").path("user");
        assertEquals(List.of("50", "1234"), texts(user.path("additionalGids")));
        RuntimeFailure missing = assertThrows(RuntimeFailure.class, () -> build(options(List.of(), List.of(), Map.of(),
                List.of(), List.of("docker"), false, false)));
        assertTrue(missing.getMessage().contains("docker"), missing.getMessage());
    }

    @Test
    void noNewPrivilegesIsSet() throws Exception {
        assertTrue(build(options(List.of(), List.of(), Map.of(), List.of(), List.of(), false, true))
                .path("process").path("noNewPrivileges").asBoolean());
    }

    @Test
    void initRunsTheCommandUnderTiniMountedReadOnlyAtDockersPath() throws Exception {
        if (!Files.isExecutable(OciOptions.TINI)) {
            return; // the missing-binary case is below; .ci/run installs tini
        }
        ObjectNode spec = build(options(List.of(), List.of(), Map.of(), List.of(), List.of(), true, false));
        assertEquals(List.of("/sbin/docker-init", "--", "sh", "-c", "sleep 1"), texts(spec.path("process").path("args")));
        JsonNode m = mountAt(spec, "/sbin/docker-init");
        assertEquals(OciOptions.TINI.toString(), m.path("source").asText());
        assertTrue(texts(m.path("options")).contains("ro"));
    }

    @Test
    void initWithoutTiniOnTheNodeFailsTheTask() {
        ContainerOptions init = options(List.of(), List.of(), Map.of(), List.of(), List.of(), true, false);
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> OciOptions.initMount(OciSpec.JSON.createArrayNode(),
                init, dir.resolve("no-tini")));
        assertTrue(e.getMessage().contains("--init needs tini"), e.getMessage());
    }

    @Test
    void hostsAreAppendedToEtcHostsInBothForms() throws Exception {
        ContainerOptions o = new ContainerOptions(List.of(), List.of(), Map.of(), List.of(), Optional.empty(),
                List.of("10.0.0.5 db cache", "gw:192.168.1.1"), List.of(), false, false, Optional.empty());
        ObjectNode spec = build(o);
        String hosts = Files.readString(Path.of(mountAt(spec, "/etc/hosts").path("source").asText()));
        assertTrue(hosts.contains("\n10.0.0.5\tdb cache\n"), hosts);
        assertTrue(hosts.endsWith("\n192.168.1.1\tgw\n"), hosts);
        ContainerOptions bad = new ContainerOptions(List.of(), List.of(), Map.of(), List.of(), Optional.empty(),
                List.of("db"), List.of(), false, false, Optional.empty());
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> build(bad));
        assertTrue(e.getMessage().contains("\"db\""), e.getMessage());
    }

    @Test
    void dnsConfigReplacesTheHostsNameserversSearchAndOptions() {
        String host = "# generated\nnameserver 10.1.1.1\nsearch corp.example\noptions edns0\n";
        assertEquals("# generated\nnameserver 9.9.9.9\nsearch corp.example\noptions ndots:2 timeout:1\n",
                ResolvConfFile.forContainer(host, new ContainerOptions.Dns(List.of("9.9.9.9"), List.of(),
                        List.of("ndots:2", "timeout:1"))));
        assertEquals("nameserver 10.1.1.1\nsearch a.example b.example\noptions edns0\n",
                ResolvConfFile.forContainer(host.replace("# generated\n", ""), new ContainerOptions.Dns(List.of(),
                        List.of("a.example", "b.example"), List.of())));
        assertEquals("nameserver 127.0.0.11\nsearch svc.example\noptions ndots:0\n",
                ResolvConfFile.embedded(new ContainerOptions.Dns(List.of(), List.of("svc.example"), List.of())));
    }

    @Test
    void dnsConfigIsWrittenToTheContainersResolvConf() throws Exception {
        ContainerOptions o = new ContainerOptions(List.of(), List.of(), Map.of(), List.of(),
                Optional.of(new ContainerOptions.Dns(List.of("192.0.2.53"), List.of("example.org"), List.of("ndots:3"))),
                List.of(), List.of(), false, false, Optional.empty());
        String resolv = Files.readString(Path.of(mountAt(build(o), "/etc/resolv.conf").path("source").asText()));
        assertTrue(resolv.contains("nameserver 192.0.2.53\nsearch example.org\noptions ndots:3\n"), resolv);
        assertFalse(resolv.lines().anyMatch(l -> l.startsWith("nameserver") && !l.equals("nameserver 192.0.2.53")), resolv);
    }

    @Test
    void tmpfsOptionsSetSizeAndMode() throws Exception {
        TaskConfig.Mount tmpfs = new TaskConfig.Mount(TaskConfig.Mount.Type.TMPFS, "", "/scratch", false,
                new TaskConfig.MountOptions("", false, false, false, "", 1 << 20, 01770));
        List<String> options = texts(mountAt(build(ContainerOptions.NONE, List.of(tmpfs), TaskConfig.Network.DEFAULT),
                "/scratch").path("options"));
        assertTrue(options.contains("size=1048576") && options.contains("mode=1770"), options.toString());
        TaskConfig.Mount plain = new TaskConfig.Mount(TaskConfig.Mount.Type.TMPFS, "", "/t", false);
        assertTrue(texts(mountAt(build(ContainerOptions.NONE, List.of(plain), TaskConfig.Network.DEFAULT), "/t")
                .path("options")).contains("mode=1777"));
    }

    @Test
    void bindOptionsSetRecursionPropagationReadOnlyAndCreateTheSource() throws Exception {
        Path missing = dir.resolve("made/by/create-mountpoint");
        TaskConfig.Mount bind = new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, missing.toString(), "/data", true,
                new TaskConfig.MountOptions("rslave", true, true, true, "", 0, 0));
        List<String> options = texts(mountAt(build(ContainerOptions.NONE, List.of(bind), TaskConfig.Network.DEFAULT), "/data")
                .path("options"));
        assertEquals(List.of("bind", "rro", "rslave"), options);
        assertTrue(Files.isDirectory(missing));
        TaskConfig.Mount plain = new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, dir.toString(), "/d", false);
        assertEquals(List.of("rbind", "rw"), texts(mountAt(build(ContainerOptions.NONE, List.of(plain),
                TaskConfig.Network.DEFAULT), "/d").path("options")));
    }

    @Test
    void aVolumeSubpathMountsThatDirectoryAndMustStayInside() throws Exception {
        Path sub = Files.createDirectories(volumes.resolve("vol/_data/app/conf"));
        TaskConfig.Mount m = new TaskConfig.Mount(TaskConfig.Mount.Type.VOLUME, "vol", "/conf", false,
                new TaskConfig.MountOptions("", false, false, false, "app/conf", 0, 0));
        assertEquals(sub.toRealPath().toString(), mountAt(build(ContainerOptions.NONE, List.of(m), TaskConfig.Network.DEFAULT),
                "/conf").path("source").asText());
        Files.createSymbolicLink(volumes.resolve("vol/_data/out"), dir);
        TaskConfig.Mount escape = new TaskConfig.Mount(TaskConfig.Mount.Type.VOLUME, "vol", "/x", false,
                new TaskConfig.MountOptions("", false, false, false, "out", 0, 0));
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> build(ContainerOptions.NONE, List.of(escape),
                TaskConfig.Network.DEFAULT));
        assertTrue(e.getMessage().contains("Subpath"), e.getMessage());
        TaskConfig.Mount absent = new TaskConfig.Mount(TaskConfig.Mount.Type.VOLUME, "vol", "/y", false,
                new TaskConfig.MountOptions("", false, false, false, "nope", 0, 0));
        assertThrows(RuntimeFailure.class, () -> build(ContainerOptions.NONE, List.of(absent), TaskConfig.Network.DEFAULT));
    }

    @Test
    void oomScoreAdjGoesToTheProcessOnlyWhenSet() throws Exception {
        ContainerOptions adjusted = new ContainerOptions(List.of(), List.of(), Map.of(), List.of(), Optional.empty(),
                List.of(), List.of(), false, false, Optional.empty(), -300);
        assertEquals(-300, build(adjusted).path("process").path("oomScoreAdj").asInt());
        assertTrue(build(ContainerOptions.NONE).path("process").path("oomScoreAdj").isMissingNode(),
                "unset: runc leaves the score the container inherits");
    }
}
