package io.orch.agent.api;

import io.orch.api.json.DockerJson;
import io.orch.api.proto.Mount;
import io.orch.api.proto.Privileges;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The new ContainerSpec, Mount and LogDriver fields: read with Docker's JSON names, bad values refused naming the field. */
class ContainerSpecRulesTest {
    private static ServiceSpec read(String containerSpec, String taskExtra) throws Exception {
        return ServiceSpecReader.read(DockerJson.MAPPER.readTree("{\"Name\":\"w\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\""
                + containerSpec + "}" + taskExtra + "}}"));
    }

    @Test
    void dockersJsonNamesAreRead() throws Exception {
        ServiceSpec s = read(",\"CapabilityAdd\":[\"CAP_NET_ADMIN\"],\"CapabilityDrop\":[\"chown\"],"
                + "\"Sysctls\":{\"net.core.somaxconn\":\"1024\"},\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":100,\"Hard\":200}],"
                + "\"DNSConfig\":{\"Nameservers\":[\"9.9.9.9\"],\"Search\":[\"example.org\"],\"Options\":[\"ndots:2\"]},"
                + "\"Hosts\":[\"10.0.0.5 db\"],\"Groups\":[\"staff\"],\"Init\":true,\"Isolation\":\"default\","
                + "\"Privileges\":{\"CredentialSpec\":null,\"SELinuxContext\":null,\"NoNewPrivileges\":true,"
                + "\"Seccomp\":{\"Mode\":\"unconfined\"},\"AppArmor\":{\"Mode\":\"disabled\"}},"
                + "\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":1016}},"
                + "{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/b\",\"BindOptions\":{\"Propagation\":\"rslave\","
                + "\"NonRecursive\":true,\"CreateMountpoint\":true}},"
                + "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"VolumeOptions\":{\"NoCopy\":true,\"Subpath\":\"a/b\","
                + "\"Labels\":{\"k\":\"v\"},\"DriverConfig\":{\"Name\":\"local\"}}}]",
                ",\"LogDriver\":{\"Name\":\"json-file\"}");
        var c = s.getTaskTemplate().getContainerSpec();
        assertEquals("CAP_NET_ADMIN", c.getCapabilityAdd(0));
        assertEquals("chown", c.getCapabilityDrop(0));
        assertEquals("1024", c.getSysctlsMap().get("net.core.somaxconn"));
        assertEquals(200, c.getUlimits(0).getHard());
        assertEquals("9.9.9.9", c.getDnsConfig().getNameservers(0));
        assertEquals("ndots:2", c.getDnsConfig().getOptions(0));
        assertEquals("10.0.0.5 db", c.getHosts(0));
        assertEquals("staff", c.getGroups(0));
        assertTrue(c.getInit());
        assertTrue(c.getPrivileges().getNoNewPrivileges());
        assertEquals(Privileges.SeccompOpts.Mode.UNCONFINED, c.getPrivileges().getSeccomp().getMode());
        Mount tmpfs = c.getMounts(0);
        assertEquals(1048576, tmpfs.getTmpfsOptions().getSizeBytes());
        assertEquals(01770, tmpfs.getTmpfsOptions().getMode());
        assertEquals("rslave", c.getMounts(1).getBindOptions().getPropagation());
        assertTrue(c.getMounts(1).getBindOptions().getCreateMountpoint());
        assertEquals("a/b", c.getMounts(2).getVolumeOptions().getSubpath());
        assertEquals("v", c.getMounts(2).getVolumeOptions().getLabelsMap().get("k"));
        assertEquals("json-file", s.getTaskTemplate().getLogDriver().getName());
        // and written back with the same names
        String json = DockerJson.toJson(s).toString();
        for (String name : new String[] {"\"CapabilityAdd\"", "\"DNSConfig\"", "\"Nameservers\"", "\"Ulimits\"", "\"Hosts\"",
                "\"Groups\"", "\"NoNewPrivileges\"", "\"TmpfsOptions\"", "\"SizeBytes\"", "\"BindOptions\"", "\"CreateMountpoint\"",
                "\"VolumeOptions\"", "\"Subpath\"", "\"LogDriver\"", "\"Sysctls\"", "\"Seccomp\"", "\"AppArmor\""}) {
            assertTrue(json.contains(name), name + " in " + json);
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        ",\"CapabilityAdd\":[\"CAP_FLY\"]                     || TaskTemplate.ContainerSpec.CapabilityAdd[0]: unknown capability: \"CAP_FLY\"",
        ",\"StopSignal\":\"SIGFLY\"                          || TaskTemplate.ContainerSpec.StopSignal: unknown signal: SIGFLY",
        ",\"CapabilityDrop\":[\"chown\",\"nope\"]             || TaskTemplate.ContainerSpec.CapabilityDrop[1]: unknown capability",
        ",\"Sysctls\":{\"vm.swappiness\":\"1\"}               || TaskTemplate.ContainerSpec.Sysctls.vm.swappiness: sysctl \"vm.swappiness\" is not allowed",
        ",\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":5,\"Hard\":1}] || TaskTemplate.ContainerSpec.Ulimits[0]: ulimit nofile: soft limit 5 is greater than hard limit 1",
        ",\"Ulimits\":[{\"Name\":\"files\",\"Soft\":1,\"Hard\":1}] || TaskTemplate.ContainerSpec.Ulimits[0]: unknown ulimit \"files\"",
        ",\"DNSConfig\":{\"Nameservers\":[\"dns.example\"]}   || TaskTemplate.ContainerSpec.DNSConfig: DNS nameserver \"dns.example\" is not an IP address",
        ",\"Hosts\":[\"db\"]                                  || TaskTemplate.ContainerSpec.Hosts[0]: invalid host entry \"db\"",
        ",\"Groups\":[\"a b\"]                                || TaskTemplate.ContainerSpec.Groups[0]: invalid group",
        ",\"Isolation\":\"hyperv\"                            || TaskTemplate.ContainerSpec.Isolation: invalid isolation \"hyperv\"",
        ",\"Privileges\":{\"CredentialSpec\":{\"File\":\"x.json\"}} || TaskTemplate.ContainerSpec.Privileges.CredentialSpec: is for Windows containers only",
        ",\"Privileges\":{\"Seccomp\":{\"Mode\":\"custom\",\"Profile\":\"e30=\"}} || TaskTemplate.ContainerSpec.Privileges.Seccomp.Mode: custom seccomp profiles are not supported",
        ",\"Privileges\":{\"AppArmor\":{\"Mode\":\"default\"}} || TaskTemplate.ContainerSpec.Privileges.AppArmor.Mode: orch applies no AppArmor profile",
        ",\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"TmpfsOptions\":{\"SizeBytes\":1}}] || TaskTemplate.ContainerSpec.Mounts[0].TmpfsOptions: only for mounts of type tmpfs",
        ",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/s\",\"Target\":\"/b\",\"BindOptions\":{\"Propagation\":\"weird\"}}] || TaskTemplate.ContainerSpec.Mounts[0].BindOptions.Propagation: invalid propagation \"weird\"",
        ",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/s\",\"Target\":\"/b\",\"BindOptions\":{\"ReadOnlyForceRecursive\":true}}] || TaskTemplate.ContainerSpec.Mounts[0].BindOptions: ReadOnlyNonRecursive and ReadOnlyForceRecursive need ReadOnly",
        ",\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"nfs\"}}}] || TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.DriverConfig.Name: volume driver \"nfs\" is not available",
        ",\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"VolumeOptions\":{\"Subpath\":\"../etc\"}}] || TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.Subpath: must be a relative path inside the volume",
        ",\"Secrets\":[{\"SecretName\":\"s\",\"File\":{\"Name\":\"s\",\"UID\":\"root\"}}] || TaskTemplate.ContainerSpec.Secrets[0].File.UID: must be a numeric user id",
        "                                  |,\"LogDriver\":{\"Name\":\"syslog\"} | TaskTemplate.LogDriver.Name: log driver \"syslog\" is not supported",
        ",\"Init\":true                   |,\"Runtime\":\"process\" | TaskTemplate.ContainerSpec.Init: only the runc runtime applies it, and TaskTemplate.Runtime is process",
        "                                  |,\"Runtime\":\"docker\",\"LogDriver\":{\"Name\":\"none\"} | TaskTemplate.LogDriver: only the runc runtime applies it",
        "                                  |,\"LogDriver\":{\"Name\":\"json-file\",\"Options\":{\"max-size\":\"10m\",\"compress\":\"true\"}} | TaskTemplate.LogDriver.Options.compress: orch does not compress rotated log files",
        "                                  |,\"LogDriver\":{\"Name\":\"json-file\",\"Options\":{\"max-size\":\"ten\"}} | TaskTemplate.LogDriver.Options.max-size: \"ten\" is not a size",
    })
    void eachProblemIsOneLineNamingTheField(String containerSpec, String taskExtra, String expected) {
        String message = assertThrows(ApiException.class, () -> read(containerSpec == null ? "" : containerSpec,
                taskExtra == null ? "" : taskExtra)).getMessage();
        assertTrue(message.startsWith("invalid ServiceSpec: " + expected), message);
        assertEquals(-1, message.indexOf('\n'));
    }

    @Test
    void whatTheDockerCliSendsOnEveryCreateIsNoRuncOnlySetting() throws Exception {
        ServiceSpec s = read(",\"Init\":false,\"DNSConfig\":{},\"Privileges\":{\"CredentialSpec\":null,\"SELinuxContext\":null,"
                + "\"NoNewPrivileges\":false}", ",\"Runtime\":\"process\"");
        assertEquals(java.util.Optional.empty(), ContainerSpecRules.runcOnly(s.getTaskTemplate()));
    }

    @Test
    void logDriversOrchHasAreAccepted() throws Exception {
        for (String name : new String[] {"json-file", "local", "none"}) {
            assertEquals(name, read("", ",\"LogDriver\":{\"Name\":\"" + name + "\"}").getTaskTemplate().getLogDriver().getName());
        }
    }

    @Test
    void oomScoreAdjIsKeptWithinTheKernelsRangeAndOnlyForRunc() throws Exception {
        assertEquals(-500, read(",\"OomScoreAdj\":-500", "").getTaskTemplate().getContainerSpec().getOomScoreAdj());
        String tooHigh = assertThrows(ApiException.class, () -> read(",\"OomScoreAdj\":1001", "")).getMessage();
        assertTrue(tooHigh.contains("TaskTemplate.ContainerSpec.OomScoreAdj: must be within -1000..1000"), tooHigh);
        String process = assertThrows(ApiException.class, () -> read(",\"OomScoreAdj\":100", ",\"Runtime\":\"process\""))
                .getMessage();
        assertTrue(process.contains("OomScoreAdj") && process.contains("only the runc runtime"), process);
    }
}
