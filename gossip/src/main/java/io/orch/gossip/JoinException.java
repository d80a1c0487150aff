package io.orch.gossip;

/** No seed answered a join push-pull (unreachable, wrong key, incompatible protocol). */
public class JoinException extends RuntimeException {
    public JoinException(String message, Throwable cause) {
        super(message, cause);
    }
}
