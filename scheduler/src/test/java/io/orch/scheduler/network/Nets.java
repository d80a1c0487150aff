package io.orch.scheduler.network;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;

import java.util.List;

/** Test objects for the network planner. */
final class Nets {
    private Nets() {}

    static Network overlay(String id, String subnet, String gateway, String range) {
        IPAMConfig.Builder c = IPAMConfig.newBuilder().setSubnet(subnet).setGateway(gateway);
        if (range != null) {
            c.setRange(range);
        }
        return Network.newBuilder().setId(id).setSpec(NetworkSpec.newBuilder().setName(id + "-name").setDriver("overlay"))
                .setIpam(IPAMOptions.newBuilder().setDriver("default").addConfigs(c)).setVni(4097).build();
    }

    static Service service(String id, EndpointSpec.Mode mode, String... networkIds) {
        TaskSpec.Builder template = TaskSpec.newBuilder();
        for (String n : networkIds) {
            template.addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(n).addAliases(id + "-alias"));
        }
        return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(id)
                .setTaskTemplate(template).setEndpointSpec(EndpointSpec.newBuilder().setMode(mode))).build();
    }

    static Task newTask(Service s, String id) {
        return Task.newBuilder().setId(id).setServiceId(s.getId()).setSpec(s.getSpec().getTaskTemplate())
                .setDesiredState(TaskState.RUNNING)
                .setStatus(TaskStatus.newBuilder().setState(TaskState.NEW)).build();
    }

    static Task finished(Task t) {
        return t.toBuilder().setStatus(t.getStatus().toBuilder().setState(TaskState.COMPLETE)).build();
    }

    static List<String> addresses(Task t) {
        return t.getNetworksAttachmentsList().stream().flatMap(a -> a.getAddressesList().stream()).toList();
    }
}
