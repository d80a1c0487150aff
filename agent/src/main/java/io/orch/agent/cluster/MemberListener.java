package io.orch.agent.cluster;

/** Receives member changes from {@link MembershipView#addListener}; may block briefly (it has its own thread). */
@FunctionalInterface
public interface MemberListener {
    void changed(MemberInfo member);
}
