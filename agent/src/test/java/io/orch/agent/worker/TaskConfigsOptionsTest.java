package io.orch.agent.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.api.proto.BindOptions;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.DNSConfig;
import io.orch.api.proto.Driver;
import io.orch.api.proto.Mount;
import io.orch.api.proto.Privileges;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TmpfsOptions;
import io.orch.api.proto.Ulimit;
import io.orch.api.proto.VolumeOptions;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.logs.LogRotation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ContainerSpec's settings carried into the runtime's TaskConfig. */
class TaskConfigsOptionsTest {
    @Test
    void containerSpecSettingsBecomeContainerOptions() {
        ContainerSpec c = ContainerSpec.newBuilder().setImage("busybox").addCapabilityAdd("NET_ADMIN").addCapabilityDrop("CHOWN")
                .putSysctls("net.core.somaxconn", "512").addUlimits(Ulimit.newBuilder().setName("nproc").setSoft(10).setHard(20))
                .setDnsConfig(DNSConfig.newBuilder().addNameservers("9.9.9.9").addSearch("example.org").addOptions("ndots:1"))
                .addHosts("10.0.0.1 db").addGroups("staff").setInit(true)
                .setPrivileges(Privileges.newBuilder().setNoNewPrivileges(true).setSelinuxContext(
                        Privileges.SELinuxContext.newBuilder().setUser("u").setRole("r").setType("t").setLevel("s0")))
                .build();
        ContainerOptions o = TaskConfigs.options(c);
        assertEquals(new ContainerOptions(List.of("NET_ADMIN"), List.of("CHOWN"), Map.of("net.core.somaxconn", "512"),
                List.of(new ContainerOptions.Ulimit("nproc", 10, 20)),
                Optional.of(new ContainerOptions.Dns(List.of("9.9.9.9"), List.of("example.org"), List.of("ndots:1"))),
                List.of("10.0.0.1 db"), List.of("staff"), true, true, Optional.of("u:r:t:s0")), o);
        assertEquals(ContainerOptions.NONE, TaskConfigs.options(ContainerSpec.newBuilder().setImage("busybox").build()));
        // what the docker CLI sends on every create ("DNSConfig": {}, "Init": false, Privileges with nothing set)
        ContainerSpec cliDefaults = ContainerSpec.newBuilder().setImage("busybox").setDnsConfig(DNSConfig.getDefaultInstance())
                .setInit(false).setPrivileges(Privileges.getDefaultInstance()).build();
        assertEquals(ContainerOptions.NONE, TaskConfigs.options(cliDefaults));
        checkRuntimeApplies(Task.newBuilder().setSpec(TaskSpec.newBuilder().setContainerSpec(cliDefaults)).build(),
                "process");
    }

    @Test
    void mountOptionsAreCarriedPerType() {
        ContainerSpec c = ContainerSpec.newBuilder().setImage("busybox")
                .addMounts(Mount.newBuilder().setType(Mount.Type.TMPFS).setTarget("/t")
                        .setTmpfsOptions(TmpfsOptions.newBuilder().setSizeBytes(4096).setMode(0700)))
                .addMounts(Mount.newBuilder().setType(Mount.Type.BIND).setSource("/s").setTarget("/b").setReadOnly(true)
                        .setBindOptions(BindOptions.newBuilder().setPropagation("rshared").setNonRecursive(true)
                                .setCreateMountpoint(true).setReadOnlyForceRecursive(true)))
                .addMounts(Mount.newBuilder().setType(Mount.Type.VOLUME).setSource("v").setTarget("/v")
                        .setVolumeOptions(VolumeOptions.newBuilder().setSubpath("sub").setNoCopy(true)))
                .build();
        List<TaskConfig.Mount> mounts = TaskConfigs.container(c).mounts();
        assertEquals(new TaskConfig.MountOptions("", false, false, false, "", 4096, 0700), mounts.get(0).options());
        assertEquals(new TaskConfig.MountOptions("rshared", true, true, true, "", 0, 0), mounts.get(1).options());
        assertEquals("sub", mounts.get(2).options().subpath());
    }

    @Test
    void logDriverNoneKeepsNoLogsAndOtherRuntimesRefuseWhatOnlyRuncApplies() {
        TaskSpec none = TaskSpec.newBuilder().setLogDriver(Driver.newBuilder().setName("none")).build();
        assertEquals(TaskConfig.Logs.NONE, TaskConfigs.logs(none));
        assertEquals(TaskConfig.Logs.FILES, TaskConfigs.logs(TaskSpec.newBuilder()
                .setLogDriver(Driver.newBuilder().setName("json-file")).build()));
        assertEquals(TaskConfig.Logs.rotated(new LogRotation(1_000_000, 3)), TaskConfigs.logs(TaskSpec.newBuilder()
                .setLogDriver(Driver.newBuilder().setName("json-file").putOptions("max-size", "1m").putOptions("max-file", "3")).build()));
        Task rotated = Task.newBuilder().setId("t").setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder()
                .setImage("busybox")).setLogDriver(Driver.newBuilder().setName("local"))).build();
        checkRuntimeApplies(rotated, "process"); // its stampers rotate too
        String noRotation = assertThrows(IllegalStateException.class, () -> checkRuntimeApplies(rotated, "docker"))
                .getMessage();
        assertTrue(noRotation.contains("log rotation"), noRotation);
        Task withCaps = Task.newBuilder().setId("t").setSpec(TaskSpec.newBuilder().setContainerSpec(
                ContainerSpec.newBuilder().setImage("busybox").addCapabilityAdd("NET_ADMIN"))).build();
        checkRuntimeApplies(withCaps, "runc");
        String why = assertThrows(IllegalStateException.class, () -> checkRuntimeApplies(withCaps, "process"))
                .getMessage();
        assertTrue(why.startsWith("only the runc runtime applies") && why.contains("process runtime"), why);
        Task plain = Task.newBuilder().setId("t").setSpec(TaskSpec.newBuilder().setContainerSpec(
                ContainerSpec.newBuilder().setImage("busybox"))).build();
        checkRuntimeApplies(plain, "process");
        assertThrows(IllegalStateException.class, () -> checkRuntimeApplies(
                plain.toBuilder().setSpec(none.toBuilder().setContainerSpec(plain.getSpec().getContainerSpec())).build(), "docker"));
    }

    /** The check as the worker makes it, with the named runtime's real capabilities. */
    private static void checkRuntimeApplies(Task task, String runtime) {
        TaskConfigs.checkRuntimeApplies(task, runtime, switch (runtime) {
            case "runc" -> io.orch.runtime.runc.RuncRuntime.CAPABILITIES;
            case "process" -> io.orch.runtime.process.ProcessRuntime.CAPABILITIES;
            case "docker" -> io.orch.runtime.docker.DockerRuntime.CAPABILITIES;
            default -> throw new IllegalArgumentException(runtime);
        });
    }
}
