package io.orch.runtime.logs;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogDriverOptionsTest {
    @Test
    void jsonFileNeverRotatesUnlessAskedAndCountsSizesInThousandsAsDocker() throws Exception {
        assertEquals(LogRotation.NONE, LogDriverOptions.rotation("json-file", Map.of()));
        assertEquals(LogRotation.NONE, LogDriverOptions.rotation("", Map.of()));
        assertEquals(new LogRotation(10_000_000, 3), LogDriverOptions.rotation("json-file", Map.of("max-size", "10m", "max-file", "3")));
        assertEquals(new LogRotation(1_500, 1), LogDriverOptions.rotation("json-file", Map.of("max-size", "1.5k")));
        assertEquals(new LogRotation(2_000_000_000L, 1), LogDriverOptions.rotation("json-file", Map.of("max-size", "2GB")));
        assertEquals(new LogRotation(0, 1), LogDriverOptions.rotation("json-file", Map.of("max-size", "-1")));
    }

    @Test
    void theLocalDriverRotatesByDefaultInBinaryUnits() throws Exception {
        assertEquals(new LogRotation(20L << 20, 5), LogDriverOptions.rotation("local", Map.of()));
        assertEquals(new LogRotation(1L << 20, 2), LogDriverOptions.rotation("local", Map.of("max-size", "1m", "max-file", "2", "compress", "false")));
    }

    @Test
    void whatOrchCannotDoIsRefusedNamingTheOption() {
        LogDriverOptions.InvalidOption e = assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("local", Map.of("compress", "true")));
        assertEquals("compress", e.option());
        assertEquals("tag", assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("json-file", Map.of("tag", "{{.Name}}"))).option());
        assertTrue(assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("json-file", Map.of("max-size", "lots"))).getMessage().contains("lots"));
        assertEquals("max-file", assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("json-file", Map.of("max-file", "0"))).option());
        assertEquals("max-file", assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("json-file", Map.of("max-file", "1000"))).option());
        assertEquals("max-size", assertThrows(LogDriverOptions.InvalidOption.class,
                () -> LogDriverOptions.rotation("json-file", Map.of("max-size", "0"))).option());
    }
}
