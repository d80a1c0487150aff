package io.orch.agent.api;

import io.orch.api.concurrent.DaemonThreads;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.runtime.ExecSpec;
import io.orch.runtime.InteractiveExec;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The exec instances of this node ({@code docker exec}): created, then started once, then kept
 * for a while so the client can read the exit code. Bounded: at most {@link #MAX_RUNNING} run at
 * once and {@link #MAX_KEPT} are remembered (the oldest finished ones are forgotten first).
 */
public final class ExecSessions {
    /** Interactive commands running at once on a node; each holds a process and three copying threads. */
    static final int MAX_RUNNING = 16;
    /** Exec instances remembered (created or finished) before the oldest finished are dropped. */
    static final int MAX_KEPT = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One exec instance. */
    static final class Session {
        final String id;
        final String taskId;
        final String containerId;
        final ExecSpec spec;
        final boolean attachStdin;
        final boolean attachStdout;
        final boolean attachStderr;
        // volatile, no lock: process and exitCode are set by ExecRoutes (after claim) and by the
        // exit callback; started is set in claim(), under the ExecSessions' monitor
        volatile InteractiveExec process;
        volatile Integer exitCode;
        volatile boolean started;

        Session(String id, String taskId, String containerId, ExecSpec spec, boolean stdin, boolean stdout, boolean stderr) {
            this.id = id;
            this.taskId = taskId;
            this.containerId = containerId;
            this.spec = spec;
            this.attachStdin = stdin;
            this.attachStdout = stdout;
            this.attachStderr = stderr;
        }

        /** Claimed and not yet exited: a claimed session counts while its process is being started. */
        boolean running() {
            return started && exitCode == null;
        }
    }

    private final Map<String, Session> sessions = new LinkedHashMap<>(); // guarded by this
    /** Copies the exec's stdio; bounded by MAX_RUNNING * 3 in practice. */
    final ExecutorService io = Executors.newCachedThreadPool(DaemonThreads.factory("orch-exec-io"));

    synchronized Session create(String taskId, String containerId, ExecSpec spec, boolean stdin, boolean stdout,
                                boolean stderr) throws ApiException {
        if (sessions.size() >= MAX_KEPT) {
            for (Iterator<Session> it = sessions.values().iterator(); it.hasNext() && sessions.size() >= MAX_KEPT; ) {
                Session s = it.next();
                if (s.exitCode != null || (!s.started && s.process == null)) {
                    it.remove();
                }
            }
            if (sessions.size() >= MAX_KEPT) {
                throw ApiException.unavailable("too many exec instances on this node (" + MAX_KEPT + ")");
            }
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        Session s = new Session(HexFormat.of().formatHex(raw), taskId, containerId, spec, stdin, stdout, stderr);
        sessions.put(s.id, s);
        return s;
    }

    synchronized Session get(String id) throws ApiException {
        Session s = sessions.get(id);
        if (s == null) {
            throw ApiException.notFound("No such exec instance: " + id);
        }
        return s;
    }

    /** Marks the session started; refuses a second start and more than {@link #MAX_RUNNING} at once. */
    synchronized void claim(Session s) throws ApiException {
        if (s.started) {
            throw ApiException.conflict("exec " + s.id + " has already been started");
        }
        long running = sessions.values().stream().filter(Session::running).count();
        if (running >= MAX_RUNNING) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many commands running in containers on this node (" + MAX_RUNNING + "); try again later");
        }
        s.started = true;
    }
}
