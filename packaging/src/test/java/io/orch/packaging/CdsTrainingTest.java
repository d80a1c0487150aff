package io.orch.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AppCDS archive holds the classes the training's runs load: a run that fails early (the CLI
 * changed under the training's canned answers) would leave the renderers out of it unnoticed.
 */
class CdsTrainingTest {
    @Test
    void everyTrainingRunSucceedsAgainstTheCannedAgent() throws IOException {
        assertEquals(List.of(), CdsTraining.train());
    }
}
