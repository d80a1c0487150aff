package io.orch.runtime.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hands out container addresses of one subnet, one per task id, and remembers them in a file
 * so an agent restart (even kill -9) neither forgets a running container's address nor hands
 * it to another task. Network, gateway and broadcast are never handed out. A cursor moves on
 * past the last address given, so a released address is reused only after the rest of the
 * subnet (a peer's ARP cache or a stale connection then does not reach the wrong task).
 * Every change is written (temp file + rename) before it is returned.
 */
public final class Ipam {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Subnet subnet;
    private final Path file;
    // guarded by this; load() fills them before open() hands the instance out
    private final Map<String, Integer> byTask = new LinkedHashMap<>();
    private int cursor;

    private Ipam(Subnet subnet, Path file) {
        this.subnet = subnet;
        this.file = file;
        this.cursor = subnet.gateway();
    }

    /** The allocator of {@code subnet} whose state lives in {@code dir} (created if missing). */
    public static Ipam open(Path dir, Subnet subnet) throws IOException {
        Files.createDirectories(dir);
        Ipam ipam = new Ipam(subnet, dir.resolve("ipam-" + Subnet.format(subnet.network()) + "_" + subnet.prefix() + ".json"));
        ipam.load();
        return ipam;
    }

    public Subnet subnet() {
        return subnet;
    }

    /** The task's address: the one it already has, else the next free one. */
    public synchronized int allocate(String taskId) throws IOException {
        Integer existing = byTask.get(taskId);
        if (existing != null) {
            return existing;
        }
        long candidates = subnet.size();
        int address = cursor;
        for (long i = 0; i < candidates; i++) {
            address = address == subnet.broadcast() ? subnet.network() : address + 1;
            if (subnet.assignable(address) && !byTask.containsValue(address)) {
                byTask.put(taskId, address);
                cursor = address;
                save();
                return address;
            }
        }
        throw new IOException("no free address left in " + subnet + " (" + byTask.size() + " in use)");
    }

    /** Frees the task's address, if it has one. Idempotent. */
    public synchronized void release(String taskId) throws IOException {
        if (byTask.remove(taskId) != null) {
            save();
        }
    }

    public synchronized Optional<Integer> addressOf(String taskId) {
        return Optional.ofNullable(byTask.get(taskId));
    }

    public synchronized Map<String, Integer> allocations() {
        return Map.copyOf(byTask);
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = JSON.readTree(file.toFile());
        if (root.hasNonNull("cursor")) {
            int c = Subnet.parseAddress(root.get("cursor").asText());
            cursor = subnet.contains(c) ? c : cursor;
        }
        root.path("allocations").fields().forEachRemaining(e -> {
            int a = Subnet.parseAddress(e.getValue().asText());
            if (subnet.assignable(a)) {
                byTask.put(e.getKey(), a);
            }
        });
    }

    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode().put("subnet", subnet.toString()).put("cursor", Subnet.format(cursor));
        ObjectNode allocations = root.putObject("allocations");
        byTask.forEach((task, a) -> allocations.put(task, Subnet.format(a)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
