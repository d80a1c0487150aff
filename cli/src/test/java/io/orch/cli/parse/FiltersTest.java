package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FiltersTest {
    @Test
    void flagsBecomeDockerFilterJsonWithSortedKeys() {
        Filters f = Filters.of(List.of("name=web", "label=tier=front", "name=db"));
        assertEquals("{\"label\":{\"tier=front\":true},\"name\":{\"db\":true,\"web\":true}}", f.toJson());
    }

    @Test
    void upToDateFilterMatchesWhatDockerSends() {
        Filters f = new Filters().add("service", "w6pj").add("_up-to-date", "true");
        assertEquals("{\"_up-to-date\":{\"true\":true},\"service\":{\"w6pj\":true}}", f.toJson());
    }

    @Test
    void queryParameterIsPercentEncoded() {
        String q = new Filters().add("name", "a b").toQueryParam();
        assertEquals("filters=%7B%22name%22%3A%7B%22a%20b%22%3Atrue%7D%7D", q);
    }

    @Test
    void noFlagsMeansEmpty() {
        assertTrue(Filters.of(List.of()).isEmpty());
    }

    @Test
    void aFlagWithoutEqualsIsRejected() {
        assertThrows(InvalidValueException.class, () -> Filters.of(List.of("name")));
        assertThrows(InvalidValueException.class, () -> Filters.of(List.of("=web")));
    }

    @Test
    void keyValuesTreatABareKeyAsEmptyValue() {
        assertEquals(java.util.Map.of("a", "1", "b", ""), KeyValues.toMap(List.of("a=1", "b")));
        assertThrows(InvalidValueException.class, () -> KeyValues.toMap(List.of("=x")));
    }
}
