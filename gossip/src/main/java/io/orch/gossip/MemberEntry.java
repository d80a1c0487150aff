package io.orch.gossip;

import com.google.protobuf.ByteString;

/** The local member's mutable record of one member; confined to the protocol thread. */
final class MemberEntry {

    final String name;
    Address address;
    ByteString metadata;
    long incarnation;
    MemberState state;
    long stateChangedMillis;
    int protocol;
    /** LEFT announcing a restart: until when (scheduler time) it is expected back; 0 otherwise. */
    long restartUntilMillis;

    MemberEntry(String name, Address address, ByteString metadata, long incarnation, int protocol, long now) {
        this.name = name;
        this.address = address;
        this.metadata = metadata;
        this.incarnation = incarnation;
        this.state = MemberState.ALIVE;
        this.stateChangedMillis = now;
        this.protocol = protocol;
    }

    Member snapshot() {
        return new Member(name, address, metadata.toByteArray(), incarnation, state, restarting());
    }

    /** LEFT with a restart announced whose grace has not run out yet. */
    boolean restarting() {
        return state == MemberState.LEFT && restartUntilMillis > 0;
    }
}
