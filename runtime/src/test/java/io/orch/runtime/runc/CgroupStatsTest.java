package io.orch.runtime.runc;

import io.orch.runtime.ContainerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CgroupStatsTest {
    @TempDir
    Path dir;

    @Test
    void cgroupV2FilesAndNetDevBecomeOneSample() throws IOException {
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        Files.writeString(dir.resolve("memory.current"), "8192\n");
        Files.writeString(dir.resolve("memory.max"), "max\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 4096\ninactive_file 1024\n");
        Files.writeString(dir.resolve("pids.current"), "3\n");
        Files.writeString(dir.resolve("pids.max"), "100\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:16 rbytes=5 wbytes=0\n");
        Files.writeString(dir.resolve("cgroup.procs"), "12\n34\n");
        ContainerStats s = CgroupStats.read(dir, -1);
        assertEquals(1_500_000, s.cpuTotalNanos());
        assertEquals(1_000_000, s.cpuUserNanos());
        assertEquals(8192, s.memoryUsage());
        assertEquals(-1, s.memoryLimit(), "max is no limit");
        assertEquals(1024L, s.memoryStat().get("inactive_file"));
        assertEquals(3, s.pids());
        assertEquals(15, s.ioReadBytes());
        assertEquals(20, s.ioWriteBytes());
        assertEquals(List.of(12L, 34L), CgroupStats.processes(dir));
    }

    @Test
    void netDevIsReadPerInterfaceWithoutLoopback() throws IOException {
        Path dev = dir.resolve("dev");
        Files.writeString(dev, "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
                + "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n"
                + "  eth0:    2000      20    1    2    0     0          0         0     3000      30    3    4    0     0       0          0\n");
        var nets = CgroupStats.networks(dev);
        assertFalse(nets.containsKey("lo"));
        assertEquals(2000L, nets.get("eth0").get("rx_bytes"));
        assertEquals(30L, nets.get("eth0").get("tx_packets"));
        assertEquals(4L, nets.get("eth0").get("tx_dropped"));
    }

    @Test
    void anExecArgumentIsQuotedForTheShellByteForByte() {
        assertEquals("'a b' 'it'\\''s'", RuncExec.join(List.of("a b", "it's")));
    }
}
