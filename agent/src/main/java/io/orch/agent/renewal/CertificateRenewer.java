package io.orch.agent.renewal;

import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.NodeCredentials;
import io.orch.api.concurrent.Backoff;
import io.orch.api.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps the node's certificate from expiring: at the certificate's renewal point
 * ({@link RenewalSchedule}), and at once when it starts past it, it asks its {@link Renewal} for a
 * new one, retrying with backoff while that fails (no manager answers). {@link #runOnce()} is the
 * decision, on the injected clock; {@link #start()} runs it on a thread that looks again at the
 * time it names, and at least every {@link #RECHECK} (a wall clock that jumps, a cluster expiry
 * that shrinks).
 */
public final class CertificateRenewer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewer.class);
    static final Duration RECHECK = Duration.ofSeconds(30);
    /** From a second up to two minutes, and never more than a tenth of the certificate's lifetime ({@link #retryDelay}). */
    public static final Backoff RETRY = Backoff.doubling(Duration.ofSeconds(1), Duration.ofMinutes(2));
    private static final Duration SHORTEST_RETRY = Duration.ofSeconds(1);

    /** Gets the node a new certificate for the role it has, saves it and makes it the one presented. */
    @FunctionalInterface
    public interface Renewal {
        /** @return the credentials now presented */
        NodeCredentials renew() throws Exception;
    }

    private final LiveCredentials live;
    private final Renewal renewal;
    private final Supplier<Optional<Duration>> clusterExpiry;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Backoff backoff;
    private final Object wakeUp = new Object();
    /** Whether the certificate held must be renewed now, whatever its expiry (a root CA rotation began). */
    private volatile Predicate<NodeCredentials> renewAtOnce = held -> false;
    private volatile boolean closed;
    private Thread thread;

    // the certificate being planned for, and where in its window it renews; only the renewing thread uses these
    private String plannedSerial;
    private double draw;
    private int failures;
    private Instant retryAt;
    private String lastFailure;
    private boolean justRenewed;

    /**
     * @param clusterExpiry the cluster's NodeCertExpiry as this node knows it now (empty: not known yet)
     * @param random        uniform in [0, 1), for the point in the renewal window
     */
    public CertificateRenewer(LiveCredentials live, Renewal renewal, Supplier<Optional<Duration>> clusterExpiry,
                              Clock clock, DoubleSupplier random, Backoff backoff) {
        this.live = live;
        this.renewal = renewal;
        this.clusterExpiry = clusterExpiry;
        this.clock = clock;
        this.random = random;
        this.backoff = backoff;
    }

    /** Renews if it is time; returns when to look again. */
    public Instant runOnce() {
        Instant now = clock.instant();
        NodeCredentials held = live.current();
        if (!held.serial().equals(plannedSerial)) {
            // a new certificate (renewed, or a role change's): its own point in its own window
            plannedSerial = held.serial();
            draw = random.getAsDouble();
            retryAt = null;
            if (justRenewed && renewAtOnce.test(held)) {
                // renewed, but by a manager that does not sign with the rotation's new key yet: ask again shortly
                retryAt = now.plus(retryDelay(held));
            } else if (justRenewed && !now.isBefore(renewalPoint(held))) {
                // due as soon as issued: the managers' clock lags this one by much of a lifetime;
                // renewing again at once would only repeat that, as fast as they answer
                retryAt = now.plus(retryDelay(held));
                log.warn("the renewed certificate (serial {}, valid until {}) is due for renewal already: "
                        + "is this node's clock ahead of the managers'?", held.serial(), held.notAfter());
            } else {
                failures = 0;
            }
        }
        justRenewed = false;
        Instant due = retryAt != null ? retryAt : renewAtOnce.test(held) ? now : renewalPoint(held);
        if (now.isBefore(due)) {
            return due;
        }
        try {
            NodeCredentials renewed = renewal.renew();
            log.info("renewed this node's certificate: serial {} valid until {} replaces serial {} valid until {}",
                    renewed.serial(), renewed.notAfter(), held.serial(), held.notAfter());
            lastFailure = null;
            justRenewed = true;
            return now; // the next look plans the new certificate's renewal
        } catch (Exception e) {
            retryAt = now.plus(retryDelay(held));
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!why.equals(lastFailure)) { // retried every few seconds while managers are away: say it once
                log.warn("could not renew this node's certificate (valid until {}{}): {}; retrying with backoff",
                        held.notAfter(), held.expiredAt(now) ? ", expired" : "", why);
                lastFailure = why;
            } else {
                log.debug("certificate renewal failed again: {}", why);
            }
            return retryAt;
        }
    }

    /**
     * The backoff after one more failure, but at most a tenth of the certificate's lifetime: a
     * node whose managers were away must not wait minutes to try again on a certificate that
     * lasts one (the cluster's shortest), nor past its expiry when it could still renew in TLS.
     */
    private Duration retryDelay(NodeCredentials held) {
        Duration delay = backoff.delay(failures++);
        Duration cap = held.lifetime().length().dividedBy(10);
        if (cap.compareTo(SHORTEST_RETRY) < 0) {
            cap = SHORTEST_RETRY;
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    /** When the certificate held now is due for renewal (it may be past). */
    Instant renewalPoint(NodeCredentials held) {
        if (!held.serial().equals(plannedSerial)) {
            throw new IllegalStateException("no renewal planned for certificate " + held.serial());
        }
        return RenewalSchedule.renewAt(held.lifetime(), clusterExpiry.get(), draw);
    }

    /**
     * From now on a certificate for which {@code test} holds is renewed at once (retried with the
     * same backoff), not at its renewal point: a root CA rotation's nodes move to the new root
     * promptly.
     */
    public CertificateRenewer renewAtOnceWhen(Predicate<NodeCredentials> test) {
        this.renewAtOnce = test;
        return this;
    }

    /** Looks again now (rather than at the time the last look named). */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Looks at once, then whenever {@link #runOnce()} says, on the {@code orch-cert-renewal} thread. */
    public synchronized CertificateRenewer start() {
        if (thread == null && !closed) {
            thread = DaemonThreads.start("orch-cert-renewal", this::run);
        }
        return this;
    }

    private void run() {
        while (!closed) {
            Instant next;
            try {
                next = runOnce();
            } catch (RuntimeException e) {
                log.warn("certificate renewal check failed: {}", e.toString());
                next = clock.instant().plus(RECHECK);
            }
            Duration wait = Duration.between(clock.instant(), next);
            if (wait.compareTo(RECHECK) > 0) {
                wait = RECHECK;
            }
            if (wait.isNegative() || wait.isZero()) {
                continue;
            }
            synchronized (wakeUp) {
                if (closed) {
                    return;
                }
                try {
                    wakeUp.wait(Math.max(1, wait.toMillis()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt(); // a renewal under way is a blocking gRPC call: let it end now
        }
    }
}
