package io.orch.agent.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.orch.api.proto.Config;
import io.orch.api.proto.ConfigSpec;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Version;
import io.orch.raft.store.ReadTx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What differs between secrets and configs for {@link FileObjectRoutes}: their proto types, the
 * size limit, whether the data may ever leave the store, and how a task refers to them. Both are
 * named blobs with labels whose data never changes.
 *
 * @param <T> the stored object (Secret, Config)
 * @param <S> its spec (SecretSpec, ConfigSpec)
 */
abstract class FileObjectKind<T extends Message, S extends Message> {
    static final FileObjectKind<Secret, SecretSpec> SECRETS = new Secrets();
    static final FileObjectKind<Config, ConfigSpec> CONFIGS = new Configs();

    /** "secret" or "config", as in Docker's messages; the API path is its plural. */
    abstract String noun();

    /** Data must be smaller than this (swarmkit refuses a size equal to it). */
    abstract int maxSize();

    /** Whether responses may carry the data (configs yes; secrets never). */
    abstract boolean dataVisible();

    abstract Message.Builder newSpecBuilder();

    abstract List<T> all(ReadTx tx);

    abstract Optional<T> byId(ReadTx tx, String id);

    abstract Optional<T> byName(ReadTx tx, String name);

    abstract String id(T object);

    abstract S spec(T object);

    abstract String name(S spec);

    abstract Map<String, String> labels(S spec);

    abstract ByteString data(S spec);

    abstract T create(String id, S spec);

    /** {@code current} at the version it was read at, with only its labels replaced. */
    abstract T withLabels(T current, long version, Map<String, String> labels);

    /** Whether a service's containers refer to the object with this id. */
    abstract boolean usedBy(ContainerSpec container, String id);

    private static final class Secrets extends FileObjectKind<Secret, SecretSpec> {
        @Override String noun() { return "secret"; }
        @Override int maxSize() { return 500 * 1024; } // swarmkit's MaxSecretSize
        @Override boolean dataVisible() { return false; }
        @Override Message.Builder newSpecBuilder() { return SecretSpec.newBuilder(); }
        @Override List<Secret> all(ReadTx tx) { return tx.secrets(); }
        @Override Optional<Secret> byId(ReadTx tx, String id) { return tx.secret(id); }
        @Override Optional<Secret> byName(ReadTx tx, String name) { return tx.secretByName(name); }
        @Override String id(Secret s) { return s.getId(); }
        @Override SecretSpec spec(Secret s) { return s.getSpec(); }
        @Override String name(SecretSpec s) { return s.getName(); }
        @Override Map<String, String> labels(SecretSpec s) { return s.getLabelsMap(); }
        @Override ByteString data(SecretSpec s) { return s.getData(); }
        @Override Secret create(String id, SecretSpec spec) { return Secret.newBuilder().setId(id).setSpec(spec).build(); }

        @Override
        Secret withLabels(Secret current, long version, Map<String, String> labels) {
            return current.toBuilder().setVersion(Version.newBuilder().setIndex(version))
                    .setSpec(current.getSpec().toBuilder().clearLabels().putAllLabels(labels)).build();
        }

        @Override
        boolean usedBy(ContainerSpec container, String id) {
            return container.getSecretsList().stream().anyMatch(r -> r.getSecretId().equals(id));
        }
    }

    private static final class Configs extends FileObjectKind<Config, ConfigSpec> {
        @Override String noun() { return "config"; }
        @Override int maxSize() { return 1000 * 1024; } // swarmkit's MaxConfigSize
        @Override boolean dataVisible() { return true; }
        @Override Message.Builder newSpecBuilder() { return ConfigSpec.newBuilder(); }
        @Override List<Config> all(ReadTx tx) { return tx.configs(); }
        @Override Optional<Config> byId(ReadTx tx, String id) { return tx.config(id); }
        @Override Optional<Config> byName(ReadTx tx, String name) { return tx.configByName(name); }
        @Override String id(Config c) { return c.getId(); }
        @Override ConfigSpec spec(Config c) { return c.getSpec(); }
        @Override String name(ConfigSpec s) { return s.getName(); }
        @Override Map<String, String> labels(ConfigSpec s) { return s.getLabelsMap(); }
        @Override ByteString data(ConfigSpec s) { return s.getData(); }
        @Override Config create(String id, ConfigSpec spec) { return Config.newBuilder().setId(id).setSpec(spec).build(); }

        @Override
        Config withLabels(Config current, long version, Map<String, String> labels) {
            return current.toBuilder().setVersion(Version.newBuilder().setIndex(version))
                    .setSpec(current.getSpec().toBuilder().clearLabels().putAllLabels(labels)).build();
        }

        @Override
        boolean usedBy(ContainerSpec container, String id) {
            return container.getConfigsList().stream().anyMatch(r -> r.getConfigId().equals(id));
        }
    }
}
