package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
        "64m, 67108864", "64M, 67108864", "64mb, 67108864", "64MiB, 67108864", "1g, 1073741824",
        "512k, 524288", "1024, 1024", "100b, 100", "1.5g, 1610612736", "0, 0", "2t, 2199023255552", "1 k, 1024"
    })
    void parsesDockerSizes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12xb", "", "m", "-1m", "1.2.3m", "64 mbb", "abc", "99999999999p"})
    void rejectsMalformedSizes(String text) {
        assertThrows(InvalidValueException.class, () -> Sizes.parse(text));
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({"67108864, 64m", "1073741824, 1g", "1000, 1000", "3072, 3k", "1536, 1536", "0, 0"})
    void formatsWithTheLargestExactUnit(long bytes, String text) {
        assertEquals(text, Sizes.format(bytes));
    }

    @ParameterizedTest
    @CsvSource({"67108864, 64MiB", "1610612736, 1.5GiB", "100, 100B"})
    void humanFormIsDockerLike(long bytes, String text) {
        assertEquals(text, Sizes.human(bytes));
    }
}
