package io.orch.raft.store;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Config;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Service;
import io.orch.api.proto.StoreObject;
import io.orch.api.proto.Task;
import io.orch.api.proto.Version;

/**
 * The kinds of objects the store holds, and the few generic things the store needs from each:
 * its id, its version, wrapping into a {@link StoreObject}, and stamping version and times.
 */
public enum ObjectKind {
    NODE, SERVICE, TASK, CLUSTER, SECRET, CONFIG, NETWORK;

    public static ObjectKind of(StoreObject object) {
        return switch (object.getObjectCase()) {
            case NODE -> NODE;
            case SERVICE -> SERVICE;
            case TASK -> TASK;
            case CLUSTER -> CLUSTER;
            case SECRET -> SECRET;
            case CONFIG -> CONFIG;
            case NETWORK -> NETWORK;
            case OBJECT_NOT_SET -> throw new IllegalArgumentException("empty store object");
        };
    }

    public static Message unwrap(StoreObject object) {
        return switch (object.getObjectCase()) {
            case NODE -> object.getNode();
            case SERVICE -> object.getService();
            case TASK -> object.getTask();
            case CLUSTER -> object.getCluster();
            case SECRET -> object.getSecret();
            case CONFIG -> object.getConfig();
            case NETWORK -> object.getNetwork();
            case OBJECT_NOT_SET -> throw new IllegalArgumentException("empty store object");
        };
    }

    public static StoreObject wrap(Message m) {
        StoreObject.Builder b = StoreObject.newBuilder();
        if (m instanceof Node n) {
            b.setNode(n);
        } else if (m instanceof Service s) {
            b.setService(s);
        } else if (m instanceof Task t) {
            b.setTask(t);
        } else if (m instanceof Cluster c) {
            b.setCluster(c);
        } else if (m instanceof Secret s) {
            b.setSecret(s);
        } else if (m instanceof Config c) {
            b.setConfig(c);
        } else if (m instanceof Network n) {
            b.setNetwork(n);
        } else {
            throw new IllegalArgumentException("not a store object: " + m.getDescriptorForType().getName());
        }
        return b.build();
    }

    /** Every stored object has string field 1 "id" and message field 2 "version". */
    public static String id(Message m) {
        return (String) m.getField(m.getDescriptorForType().findFieldByNumber(1));
    }

    public static long version(Message m) {
        return ((Version) m.getField(m.getDescriptorForType().findFieldByNumber(2))).getIndex();
    }

    /** Returns {@code m} with Version.Index, UpdatedAt (and CreatedAt for new objects) set. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T stamp(T m, long index, Timestamp now, boolean created) {
        Message.Builder b = m.toBuilder();
        var d = m.getDescriptorForType();
        b.setField(d.findFieldByNumber(2), Version.newBuilder().setIndex(index).build());
        if (created) {
            b.setField(d.findFieldByNumber(3), now);
        }
        b.setField(d.findFieldByNumber(4), now);
        return (T) b.build();
    }
}
