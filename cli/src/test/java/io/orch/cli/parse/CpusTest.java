package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CpusTest {
    @ParameterizedTest(name = "{0} CPUs = {1} NanoCPUs")
    @CsvSource({"0.5, 500000000", "2, 2000000000", "0.001, 1000000", "1.25, 1250000000", "0, 0"})
    void parsesDecimalCpus(String text, long nanos) {
        assertEquals(nanos, Cpus.parseNanoCpus(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "0.0000000001", "1,5", ""})
    void rejectsBadCpus(String text) {
        assertThrows(InvalidValueException.class, () -> Cpus.parseNanoCpus(text));
    }

    @ParameterizedTest
    @CsvSource({"500000000, 0.5", "2000000000, 2"})
    void formatsBack(long nanos, String text) {
        assertEquals(text, Cpus.format(nanos));
    }
}
