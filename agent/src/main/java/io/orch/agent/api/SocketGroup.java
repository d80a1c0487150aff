package io.orch.agent.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * The group of the API's unix socket: {@code orch} when the host has that group (as dockerd's
 * socket belongs to {@code docker}), so its members use the API without root; otherwise the
 * agent's own group (root's, for an agent run as root), and only root gets in. The socket is
 * 0660 either way: the group is the only door.
 */
final class SocketGroup {
    static final String NAME = "orch";
    private static final Logger LOG = LoggerFactory.getLogger(SocketGroup.class);

    private SocketGroup() {}

    static void apply(Path socket) throws IOException {
        apply(socket, NAME);
    }

    /** @return whether the socket now belongs to {@code group} (false: the group does not exist) */
    static boolean apply(Path socket, String group) throws IOException {
        GroupPrincipal principal;
        try {
            principal = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            LOG.debug("no group {}: the API socket {} keeps the agent's group", group, socket);
            return false;
        }
        Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
        return true;
    }
}
