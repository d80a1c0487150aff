package io.orch.cli.parse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * {@code --mount type=bind,source=/a,target=/b,readonly,...} into one ContainerSpec.Mounts[]
 * entry, with docker's keys and defaults (docker/cli opts/mount.go): type defaults to volume,
 * target is required, {@code volume-*}/{@code bind-*}/{@code tmpfs-*} options only with their
 * type, {@code tmpfs-mode} is octal, {@code tmpfs-size} a size like {@code 64m}.
 */
public final class MountSpecs {
    private static final Set<String> TYPES = Set.of("bind", "volume", "tmpfs", "npipe", "cluster", "image");

    private MountSpecs() {}

    public static ObjectNode parse(String text) {
        ObjectNode mount = JsonNodeFactory.instance.objectNode();
        ObjectNode bind = null;
        ObjectNode volume = null;
        ObjectNode tmpfs = null;
        for (String field : text.split(",")) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : field.substring(eq + 1);
            if (value == null) {
                switch (key) {
                    case "readonly", "ro" -> mount.put("ReadOnly", true);
                    case "volume-nocopy" -> (volume = volume(mount, volume)).put("NoCopy", true);
                    case "bind-nonrecursive" -> (bind = object(mount, "BindOptions")).put("NonRecursive", true);
                    default -> throw new InvalidValueException("invalid field '" + field + "' must be a key=value pair");
                }
                continue;
            }
            switch (key) {
                case "type" -> mount.put("Type", value.toLowerCase(Locale.ROOT));
                case "source", "src" -> mount.put("Source", value);
                case "target", "dst", "destination" -> mount.put("Target", value);
                case "readonly", "ro" -> mount.put("ReadOnly", bool(field, value));
                case "consistency" -> mount.put("Consistency", value.toLowerCase(Locale.ROOT));
                case "bind-propagation" -> (bind = object(mount, "BindOptions")).put("Propagation", value.toLowerCase(Locale.ROOT));
                case "bind-nonrecursive" -> (bind = object(mount, "BindOptions")).put("NonRecursive", bool(field, value));
                case "bind-create-mountpoint" -> (bind = object(mount, "BindOptions")).put("CreateMountpoint", bool(field, value));
                case "volume-nocopy" -> (volume = volume(mount, volume)).put("NoCopy", bool(field, value));
                case "volume-subpath" -> (volume = volume(mount, volume)).put("Subpath", value);
                case "volume-driver" -> object((volume = volume(mount, volume)), "DriverConfig").put("Name", value);
                case "volume-label" -> {
                    volume = volume(mount, volume);
                    String[] kv = keyValue(field, value);
                    object(volume, "Labels").put(kv[0], kv[1]);
                }
                case "volume-opt" -> {
                    volume = volume(mount, volume);
                    String[] kv = keyValue(field, value);
                    object(object(volume, "DriverConfig"), "Options").put(kv[0], kv[1]);
                }
                case "tmpfs-size" -> (tmpfs = object(mount, "TmpfsOptions")).put("SizeBytes", Sizes.parse(value));
                case "tmpfs-mode" -> {
                    try {
                        (tmpfs = object(mount, "TmpfsOptions")).put("Mode", Integer.parseUnsignedInt(value, 8));
                    } catch (NumberFormatException e) {
                        throw new InvalidValueException("invalid tmpfs-mode \"" + value + "\": expected an octal mode");
                    }
                }
                default -> throw new InvalidValueException("unexpected key '" + key + "' in '" + field + "'");
            }
        }
        if (!mount.has("Type")) mount.put("Type", "volume");
        String type = mount.path("Type").asText();
        if (!TYPES.contains(type)) throw new InvalidValueException("invalid mount type \"" + type + "\"");
        if (mount.path("Target").asText("").isEmpty()) throw new InvalidValueException("target is required");
        if (volume != null && !type.equals("volume")) throw new InvalidValueException("cannot mix 'volume-*' options with mount type '" + type + "'");
        if (bind != null && !type.equals("bind")) throw new InvalidValueException("cannot mix 'bind-*' options with mount type '" + type + "'");
        if (tmpfs != null && !type.equals("tmpfs")) throw new InvalidValueException("cannot mix 'tmpfs-*' options with mount type '" + type + "'");
        return mount;
    }

    /** docker creates VolumeOptions with an empty DriverConfig the first time a volume-* key is seen. */
    private static ObjectNode volume(ObjectNode mount, ObjectNode existing) {
        if (existing != null) return existing;
        ObjectNode v = mount.putObject("VolumeOptions");
        v.putObject("DriverConfig");
        return v;
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    private static boolean bool(String field, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new InvalidValueException("invalid value for '" + field + "': expected true or false");
        };
    }

    private static String[] keyValue(String field, String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) throw new InvalidValueException("invalid field '" + field + "': expected KEY=VALUE");
        return new String[] {value.substring(0, eq), value.substring(eq + 1)};
    }
}
