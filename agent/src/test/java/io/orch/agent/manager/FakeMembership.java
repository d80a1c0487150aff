package io.orch.agent.manager;

import io.orch.agent.cluster.MemberHealth;
import io.orch.agent.cluster.MemberInfo;
import io.orch.agent.cluster.MemberListener;
import io.orch.agent.cluster.MembershipView;
import io.orch.api.proto.MemberMeta;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Gossip at the {@link MembershipView} seam: the test says who is alive, dead or gone. */
final class FakeMembership implements MembershipView {
    private final Map<String, MemberInfo> members = new ConcurrentHashMap<>();
    private final List<MemberListener> listeners = new CopyOnWriteArrayList<>();

    void set(String nodeId, MemberHealth health) {
        set(nodeId, health, "10.9.0." + Math.abs(nodeId.hashCode() % 200) + ":4242");
    }

    void set(String nodeId, MemberHealth health, String listenAddr) {
        MemberInfo info = new MemberInfo(nodeId, health,
                MemberMeta.newBuilder().setNodeId(nodeId).setListenAddr(listenAddr).build(), "127.0.0.1:7946");
        members.put(nodeId, info);
        listeners.forEach(l -> l.changed(info));
    }

    /** Gossip reaped the member: it is unknown again. */
    void forget(String nodeId) {
        members.remove(nodeId);
    }

    @Override
    public Map<String, MemberInfo> members() {
        return Map.copyOf(members);
    }

    @Override
    public void addListener(MemberListener listener) {
        listeners.add(listener);
    }
}
