package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageHealthTest {
    private static final long MIB = 1L << 20;
    private static final long MIN = 64 * MIB;

    @Test
    void enoughSpaceAndAWorkingLogIsHealthy() {
        assertEquals(new StorageHealth(Optional.empty(), false), StorageHealth.judge(MIN, MIN, Optional.empty(), "/d"));
    }

    @Test
    void belowTheMinimumWritesAreRefusedBeforeOneFails() {
        StorageHealth h = StorageHealth.judge(3 * MIB, MIN, Optional.empty(), "/d");
        assertEquals(Optional.of("only 3 MiB free in /d (at least 64 MiB needed)"), h.problem());
        assertFalse(h.restart());
    }

    @Test
    void aFailedLogRestartsOnlyOnceTwiceTheMinimumIsFree() {
        Optional<String> failed = Optional.of("No space left on device");
        StorageHealth full = StorageHealth.judge(0, MIN, failed, "/d");
        assertEquals(Optional.of("writing the raft log failed: No space left on device; "
                + "only 0 MiB free in /d (at least 64 MiB needed)"), full.problem());
        assertFalse(full.restart());
        StorageHealth someRoom = StorageHealth.judge(MIN + 1, MIN, failed, "/d");
        assertEquals(Optional.of("writing the raft log failed: No space left on device"), someRoom.problem());
        assertFalse(someRoom.restart(), "not into a disk that fills again at the first segment");
        assertTrue(StorageHealth.judge(2 * MIN, MIN, failed, "/d").restart());
    }
}
