package io.orch.agent;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags an agent must run with, which the {@code orch} launcher always passes: one
 * OutOfMemoryError ends the process (a supervisor restarts it) rather than leaving an agent whose
 * loop threads died answering as if all were well, and no core dump (the heap holds secrets and
 * the cluster's keys). An agent started some other way says what it lacks.
 */
final class JvmSafetyFlags {
    private JvmSafetyFlags() {}

    /** One line per missing flag, empty when all are set. */
    static List<String> missing(List<String> jvmArguments) {
        List<String> out = new ArrayList<>();
        if (!Boolean.TRUE.equals(setting(jvmArguments, "ExitOnOutOfMemoryError"))) { // off by default
            out.add("the JVM runs without -XX:+ExitOnOutOfMemoryError: an out-of-memory agent would live on with dead loop threads");
        }
        if (!Boolean.FALSE.equals(setting(jvmArguments, "CreateCoredumpOnCrash"))) { // on by default
            out.add("the JVM runs without -XX:-CreateCoredumpOnCrash: a crash could write secrets to a core file");
        }
        return out;
    }

    /** This JVM's. */
    static List<String> missing() {
        return missing(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The value the last -XX:+NAME or -XX:-NAME sets, or null when no argument names it. */
    private static Boolean setting(List<String> args, String name) {
        Boolean value = null;
        for (String a : args) {
            if (a.equals("-XX:+" + name)) {
                value = true;
            } else if (a.equals("-XX:-" + name)) {
                value = false;
            }
        }
        return value;
    }
}
