package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Formatting then parsing gives the value back, across the whole range the flags allow. */
class ParserPropertiesTest {
    @Property(tries = 2000)
    void durationFormatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanos) {
        assertEquals(nanos, Durations.parseNanos(Durations.format(nanos)));
    }

    @Property(tries = 2000)
    void sizeFormatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long bytes) {
        assertEquals(bytes, Sizes.parse(Sizes.format(bytes)));
    }

    @Property(tries = 1000)
    void sizeWithAUnitIsThatManyBinaryMultiples(@ForAll @IntRange(min = 0, max = 1 << 20) int n, @ForAll @IntRange(min = 0, max = 3) int unit) {
        String suffix = new String[] {"", "k", "m", "g"}[unit];
        assertEquals((long) n << (10 * unit), Sizes.parse(n + suffix));
    }

    @Property(tries = 1000)
    void cpuFormatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long nanoCpus) {
        assertEquals(nanoCpus, Cpus.parseNanoCpus(Cpus.format(nanoCpus)));
    }

    @Property(tries = 500)
    void publishShortSyntaxRoundTrips(@ForAll @IntRange(min = 1, max = 65535) int published, @ForAll @IntRange(min = 1, max = 65535) int target) {
        assertEquals(new PortConfig("tcp", target, published, "ingress"), PublishSpecs.parse(published + ":" + target));
    }
}
