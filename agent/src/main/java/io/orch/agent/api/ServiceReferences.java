package io.orch.agent.api;

import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigReference;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretReference;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.raft.store.ReadTx;

import java.util.Optional;

/**
 * What a service spec refers to by name, resolved against the store as Docker does: network
 * attachments name a network (ID, name or ID prefix) and are stored with its ID; secret and
 * config references must name an existing object (by ID, else by name) and are stored with
 * both. Anything missing is a 400 naming the field.
 */
final class ServiceReferences {
    private ServiceReferences() {}

    static ServiceSpec resolve(ReadTx tx, ServiceSpec spec) throws ApiException {
        TaskSpec.Builder task = spec.getTaskTemplate().toBuilder();
        for (int i = 0; i < task.getNetworksCount(); i++) {
            NetworkAttachmentConfig a = task.getNetworks(i);
            Network n;
            try {
                n = NetworkRoutes.resolve(tx, a.getTarget());
            } catch (ApiException e) {
                throw ServiceSpecValidator.invalid("TaskTemplate.Networks[" + i + "].Target", e.getMessage());
            }
            if (n.getSpec().getIngress()) {
                // as swarmkit: a service joins the routing mesh by publishing a port in ingress mode
                throw ServiceSpecValidator.invalid("TaskTemplate.Networks[" + i + "].Target",
                        "service cannot be explicitly attached to the ingress network \"" + n.getSpec().getName() + "\"");
            }
            if (a.getDriverOptsCount() > 0) {
                // the overlay driver has no per-attachment options: refused, never kept and ignored
                throw ServiceSpecValidator.invalid("TaskTemplate.Networks[" + i + "].DriverOpts",
                        "orch's overlay driver takes no per-attachment options, got " + a.getDriverOptsMap().keySet());
            }
            for (int j = 0; j < i; j++) {
                if (task.getNetworks(j).getTarget().equals(n.getId())) {
                    throw ServiceSpecValidator.invalid("TaskTemplate.Networks[" + i + "].Target",
                            "network " + n.getSpec().getName() + " is attached more than once");
                }
            }
            task.setNetworks(i, a.toBuilder().setTarget(n.getId()));
        }
        var container = task.getContainerSpecBuilder();
        for (int i = 0; i < container.getSecretsCount(); i++) {
            SecretReference r = container.getSecrets(i);
            Optional<Secret> s = r.getSecretId().isEmpty() ? Optional.empty() : tx.secret(r.getSecretId());
            if (s.isEmpty() && !r.getSecretName().isEmpty()) {
                s = tx.secretByName(r.getSecretName());
            }
            if (s.isEmpty()) {
                throw ServiceSpecValidator.invalid("TaskTemplate.ContainerSpec.Secrets[" + i + "]",
                        "secret not found: " + (r.getSecretName().isEmpty() ? r.getSecretId() : r.getSecretName()));
            }
            container.setSecrets(i, r.toBuilder().setSecretId(s.get().getId()).setSecretName(s.get().getSpec().getName()));
        }
        for (int i = 0; i < container.getConfigsCount(); i++) {
            ConfigReference r = container.getConfigs(i);
            Optional<Config> c = r.getConfigId().isEmpty() ? Optional.empty() : tx.config(r.getConfigId());
            if (c.isEmpty() && !r.getConfigName().isEmpty()) {
                c = tx.configByName(r.getConfigName());
            }
            if (c.isEmpty()) {
                throw ServiceSpecValidator.invalid("TaskTemplate.ContainerSpec.Configs[" + i + "]",
                        "config not found: " + (r.getConfigName().isEmpty() ? r.getConfigId() : r.getConfigName()));
            }
            container.setConfigs(i, r.toBuilder().setConfigId(c.get().getId()).setConfigName(c.get().getSpec().getName()));
        }
        return spec.toBuilder().setTaskTemplate(task).build();
    }
}
