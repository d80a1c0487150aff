package io.orch.gossip;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable snapshot of one member as the local member sees it.
 *
 * @param name        unique member name (the orch node id)
 * @param address     where the member listens (UDP and TCP on the same port)
 * @param metadata    opaque bytes owned by the application (bounded by {@link GossipConfig#maxMetadataBytes()})
 * @param incarnation the member's own counter; only the member itself raises it, to refute suspicion
 *                    or to publish new metadata
 * @param state       what the local member believes
 * @param restarting  LEFT, but it announced a restart and its grace has not run out: expect it back
 *                    (see {@link Membership#leaveForRestart})
 */
public record Member(String name, Address address, byte[] metadata, long incarnation, MemberState state,
                     boolean restarting) {

    /** A member that announced no restart. */
    public Member(String name, Address address, byte[] metadata, long incarnation, MemberState state) {
        this(name, address, metadata, incarnation, state, false);
    }

    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        metadata = metadata == null ? new byte[0] : metadata.clone();
    }

    /** A copy: the snapshot stays immutable. */
    @Override
    public byte[] metadata() {
        return metadata.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Member m
                && name.equals(m.name)
                && address.equals(m.address)
                && Arrays.equals(metadata, m.metadata)
                && incarnation == m.incarnation
                && state == m.state
                && restarting == m.restarting;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, Arrays.hashCode(metadata), incarnation, state, restarting);
    }

    @Override
    public String toString() {
        return name + "@" + address + "[" + state + (restarting ? " (restarting)" : "") + ", inc " + incarnation + ", " + metadata.length + "B meta]";
    }
}
