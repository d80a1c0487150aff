package io.orch.agent.dispatch;

import io.orch.api.proto.Assignments;
import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigReference;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretReference;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;
import io.orch.api.model.TaskStates;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's assignment set as the store has it: every task on the node that has not finished
 * (to run, or to stop), only the secrets and configs those tasks reference, and their services'
 * names. Deterministic (sorted by id), so two reads of an unchanged store compare equal.
 */
final class AssignmentSets {
    private AssignmentSets() {}

    /** The set without sequence and store version (the caller stamps those when sending). */
    static Assignments of(ReadTx r, String nodeId) {
        List<Task> tasks = r.tasksOfNode(nodeId).stream()
                .filter(t -> !TaskStates.finished(t))
                .sorted(Comparator.comparing(Task::getId))
                .toList();
        TreeMap<String, Secret> secrets = new TreeMap<>();
        TreeMap<String, Config> configs = new TreeMap<>();
        TreeMap<String, String> serviceNames = new TreeMap<>();
        for (Task t : tasks) {
            for (SecretReference ref : t.getSpec().getContainerSpec().getSecretsList()) {
                secret(r, ref).ifPresent(s -> secrets.put(s.getId(), s));
            }
            for (ConfigReference ref : t.getSpec().getContainerSpec().getConfigsList()) {
                config(r, ref).ifPresent(c -> configs.put(c.getId(), c));
            }
            if (!t.getServiceId().isEmpty()) {
                r.service(t.getServiceId()).ifPresent(s -> serviceNames.put(s.getId(), s.getSpec().getName()));
            }
        }
        return Assignments.newBuilder().addAllTasks(tasks).addAllSecrets(secrets.values())
                .addAllConfigs(configs.values()).putAllServiceNames(serviceNames).build();
    }

    private static Optional<Secret> secret(ReadTx r, SecretReference ref) {
        Optional<Secret> s = ref.getSecretId().isEmpty() ? Optional.empty() : r.secret(ref.getSecretId());
        return s.isPresent() || ref.getSecretName().isEmpty() ? s : r.secretByName(ref.getSecretName());
    }

    private static Optional<Config> config(ReadTx r, ConfigReference ref) {
        Optional<Config> c = ref.getConfigId().isEmpty() ? Optional.empty() : r.config(ref.getConfigId());
        return c.isPresent() || ref.getConfigName().isEmpty() ? c : r.configByName(ref.getConfigName());
    }
}
