package io.orch.runtime.runc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuncExecQuotingTest {
    @Test
    void anExecArgumentIsQuotedForTheShellByteForByte() {
        assertEquals("'a b' 'it'\\''s'", RuncExec.join(List.of("a b", "it's")));
    }
}
