package io.orch.agent.api;

import io.orch.api.json.JsonModelException;
import io.orch.api.json.UnsupportedFieldException;

import java.util.Locale;
import java.util.Map;

/**
 * Why orch refuses a Docker Engine API field its model does not keep, for the fields where the
 * reason helps the user more than "not supported by orch". Keyed by the field's path in its
 * body without list indexes (matched case-insensitively, as Go matches JSON keys); a path under
 * a key gets its reason.
 */
final class RefusedFields {
    private static final Map<String, String> WHY = Map.of(
            "taskTemplate.resources.reservations.genericresources",
            "orch nodes advertise no generic resources, so a task reserving them could never be placed",
            "templating", "orch has no template drivers; the data is given to tasks as stored",
            "driver", "orch keeps secrets and configs in its own store and has no secret drivers",
            "tasktemplate.pluginspec", "orch runs containers, not plugins",
            "tasktemplate.networkattachmentspec", "orch runs containers, not network attachments",
            "tasktemplate.containerspec.openstdin", "swarm tasks have no stdin to keep open",
            "tasktemplate.containerspec.configs.runtime", "orch has no runtime configs (Windows credential specs)",
            "tasktemplate.containerspec.mounts.consistency", "a Docker Desktop option; orch's mounts are always consistent");

    private RefusedFields() {}

    /** The one line for a body that did not fit the model: the path, and the reason if one is known. */
    static String message(JsonModelException e) {
        if (!(e instanceof UnsupportedFieldException)) {
            return e.getMessage();
        }
        // list indexes do not change the reason: Configs[0].Runtime is Configs.Runtime
        String path = e.field().toLowerCase(Locale.ROOT).replaceAll("\\[\\d+]", "");
        for (Map.Entry<String, String> w : WHY.entrySet()) {
            String key = w.getKey().toLowerCase(Locale.ROOT);
            if (path.equals(key) || path.startsWith(key + ".")) {
                return e.field() + ": not supported by orch: " + w.getValue();
            }
        }
        return e.getMessage();
    }
}
