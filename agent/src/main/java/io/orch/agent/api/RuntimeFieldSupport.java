package io.orch.agent.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Privileges;
import io.orch.api.proto.TaskSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place that says which task fields a runtime keeps but does not apply, so a service
 * create/update answers them in its {@code Warnings} (the docker CLI prints those) instead of
 * accepting them silently. Fields are named by their proto names, dotted from TaskSpec, and
 * looked up in the descriptors by name: a name the model does not have (yet) is simply never
 * set, so fields added to model.proto later are covered as soon as they exist, with no change here.
 * A path may go through a repeated message (container_spec.mounts.tmpfs_options: any mount's).
 */
final class RuntimeFieldSupport {
    /** A field not applied, and why, in the words of the warning. */
    record Unapplied(String field, String why) {}

    private static final String PLAIN_PROCESS = "the process runtime runs tasks as plain processes on the host "
            + "(no image, namespaces, mounts or resource limits)";
    private static final String DOCKER_DRIVER = "orch's docker runtime does not pass it to Docker";

    /**
     * Per runtime. runc applies every field of the model: the fields being added with this list
     * (groups, hosts, dns_config, capabilities, sysctls, ulimits, privileges, init, tty, log_driver)
     * are applied by the runc driver in the same change that adds them to the model.
     */
    private static final Map<String, List<Unapplied>> BY_RUNTIME = Map.of(
            "process", unapplied(PLAIN_PROCESS, "container_spec.image", "container_spec.hostname", "container_spec.read_only",
                    "container_spec.mounts", "container_spec.tty", "container_spec.init", "container_spec.groups",
                    "container_spec.hosts", "container_spec.dns_config", "container_spec.capability_add",
                    "container_spec.capability_drop", "container_spec.sysctls", "container_spec.ulimits",
                    "container_spec.privileges", "container_spec.oom_score_adj", "resources.limits"),
            "docker", unapplied(DOCKER_DRIVER, "container_spec.tty", "container_spec.init", "container_spec.groups",
                    "container_spec.hosts", "container_spec.dns_config", "container_spec.capability_add",
                    "container_spec.capability_drop", "container_spec.sysctls", "container_spec.ulimits",
                    "container_spec.privileges", "container_spec.oom_score_adj", "container_spec.mounts.tmpfs_options",
                    "container_spec.mounts.bind_options", "container_spec.mounts.volume_options", "log_driver"),
            "runc", List.of());

    /** Kept (shown by inspect) but applied by no runtime. */
    private static final List<Unapplied> NOWHERE = List.of(new Unapplied("container_spec.healthcheck.start_interval",
            "orch's health checks have no start interval: during the start period they run every Interval"));

    /**
     * The process runtime refuses a task with a User (it cannot switch users): said at create, not
     * only when every task is rejected.
     */
    private static final List<Unapplied> PROCESS_REFUSES = List.of(new Unapplied("container_spec.user",
            "the process runtime cannot run tasks as another user, so its tasks will be rejected"));

    /**
     * Seccomp "default" asks for Docker's default profile; orch's runc tasks run without a seccomp
     * filter whatever the mode ("unconfined" is therefore honoured, custom profiles are refused).
     */
    static final String SECCOMP_DEFAULT = "TaskTemplate.ContainerSpec.Privileges.Seccomp.Mode: kept but not applied: "
            + "orch runs containers without a seccomp filter (Docker's default profile is not applied)";

    private RuntimeFieldSupport() {}

    /**
     * The warnings for a task spec that will run on {@code runtimes}: its own runtime when it names
     * one, else the default runtimes of the cluster's nodes (each node runs such a task on its default).
     */
    static List<String> warnings(TaskSpec task, Collection<String> runtimes) {
        List<String> out = new ArrayList<>();
        for (Unapplied u : NOWHERE) {
            if (isSet(task, u.field())) {
                out.add(dockerPath(u.field()) + ": kept but not applied: " + u.why());
            }
        }
        if (task.getContainerSpec().getPrivileges().getSeccomp().getMode() == Privileges.SeccompOpts.Mode.DEFAULT) {
            out.add(SECCOMP_DEFAULT);
        }
        boolean named = !task.getRuntime().isEmpty() && !task.getRuntime().equals("container");
        for (String runtime : new TreeSet<>(runtimes)) {
            List<Unapplied> fields = new ArrayList<>(BY_RUNTIME.getOrDefault(runtime, List.of()));
            if (runtime.equals("process")) {
                fields.addAll(PROCESS_REFUSES);
            }
            String where = named ? "by the " + runtime + " runtime" : "on nodes whose default runtime is " + runtime;
            for (Unapplied u : fields) {
                if (isSet(task, u.field())) {
                    out.add(dockerPath(u.field()) + ": not applied " + where + ": " + u.why());
                }
            }
        }
        return out;
    }

    /** Every field a runtime does not apply (for tests and the documentation of what is not applied). */
    static Map<String, List<Unapplied>> byRuntime() {
        return BY_RUNTIME;
    }

    static List<Unapplied> nowhere() {
        return NOWHERE;
    }

    private static List<Unapplied> unapplied(String why, String... fields) {
        List<Unapplied> out = new ArrayList<>();
        for (String f : fields) {
            out.add(new Unapplied(f, why));
        }
        return List.copyOf(out);
    }

    /** Whether the field at {@code path} (proto names) carries a value in {@code message}; false if the model lacks it. */
    static boolean isSet(Message message, String path) {
        int dot = path.indexOf('.');
        String name = dot < 0 ? path : path.substring(0, dot);
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        if (field == null) {
            return false;
        }
        if (dot >= 0) {
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                return false;
            }
            String rest = path.substring(dot + 1);
            if (field.isRepeated()) {
                for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                    if (isSet((Message) message.getRepeatedField(field, i), rest)) {
                        return true;
                    }
                }
                return false;
            }
            return message.hasField(field) && isSet((Message) message.getField(field), rest);
        }
        if (field.isRepeated()) {
            return message.getRepeatedFieldCount(field) > 0;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            // the docker CLI sends {} for options it has none of ("DNSConfig": {}): that is not set
            return message.hasField(field) && !message.getField(field).equals(((Message) message.getField(field))
                    .getDefaultInstanceForType());
        }
        return field.hasPresence() ? message.hasField(field) : !message.getField(field).equals(field.getDefaultValue());
    }

    /** TaskTemplate.ContainerSpec.Hostname for container_spec.hostname; names the model lacks stay as given. */
    static String dockerPath(String path) {
        StringBuilder out = new StringBuilder("TaskTemplate");
        Descriptor d = TaskSpec.getDescriptor();
        for (String name : path.split("\\.")) {
            FieldDescriptor f = d == null ? null : d.findFieldByName(name);
            out.append('.').append(f == null ? name : DockerJson.dockerName(f));
            d = f != null && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? f.getMessageType() : null;
        }
        return out.toString();
    }
}
