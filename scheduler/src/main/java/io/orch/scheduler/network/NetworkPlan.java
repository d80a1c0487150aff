package io.orch.scheduler.network;

import io.orch.api.proto.Network;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;

import java.util.List;

/**
 * What one allocation decided.
 *
 * @param service    the service with its new VIPs, or null when its VIPs did not change
 * @param tasks      the tasks given, in order, with their attachments (and, for a task that could
 *                   not get every address, the reason in Status.Err)
 * @param networks   the networks whose cursor moved: each must be written back (version-checked),
 *                   which is also what makes two concurrent allocations conflict
 * @param incomplete true when some task or VIP still lacks an address (a network is full)
 */
public record NetworkPlan(Service service, List<Task> tasks, List<Network> networks, boolean incomplete) {
}
