package io.orch.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NofileLimitTest {
    private static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max processes             63711                63711                processes
            Max open files            1024                 524288               files
            Max locked memory         8388608              8388608              bytes
            """;

    @Test
    void readsSoftThenHardFromTheOpenFilesRow() {
        assertEquals(Optional.of(new NofileLimit(1024, 524288)), NofileLimit.parse(LIMITS));
    }

    @Test
    void anUnlimitedOrMissingRowIsUnreadable() {
        assertEquals(Optional.empty(), NofileLimit.parse(LIMITS.replace("1024                 524288", "unlimited unlimited")));
        assertEquals(Optional.empty(), NofileLimit.parse("Limit  Soft Limit  Hard Limit  Units\n"));
    }
}
