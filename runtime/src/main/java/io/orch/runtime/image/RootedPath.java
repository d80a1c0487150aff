package io.orch.runtime.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path inside a root file system the way the kernel would after chroot: symlinks
 * (absolute ones too) are followed relative to the root and ".." never leaves it. Used so that an
 * image layer cannot write outside its rootfs through a symlink planted by an earlier entry.
 */
final class RootedPath {
    private static final int MAX_LINKS = 255;

    private RootedPath() {}

    /** The host path of {@code relative} under {@code root}, following every symlink on the way. */
    static Path resolve(Path root, String relative) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, relative);
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!current.equals(root)) {
                    current = current.getParent();
                }
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links under " + relative);
                }
                String target = Files.readSymbolicLink(next).toString();
                if (target.startsWith("/")) {
                    current = root;
                }
                push(todo, target);
            } else {
                current = next;
            }
        }
        return current;
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.addFirst(parts[i]);
        }
    }
}
