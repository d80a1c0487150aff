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
    void cgroupV1ControllerHierarchiesBecomeOneSample() throws IOException {
        String rel = "orch/abc";
        Path cpuacct = Files.createDirectories(dir.resolve("cpuacct").resolve(rel));
        Path memory = Files.createDirectories(dir.resolve("memory").resolve(rel));
        Path pids = Files.createDirectories(dir.resolve("pids").resolve(rel));
        Path blkio = Files.createDirectories(dir.resolve("blkio").resolve(rel));
        Files.writeString(cpuacct.resolve("cpuacct.usage"), "1500\n");
        Files.writeString(cpuacct.resolve("cpuacct.usage_user"), "1000\n");
        Files.writeString(cpuacct.resolve("cpuacct.usage_sys"), "500\n");
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "8192\n");
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        Files.writeString(memory.resolve("memory.stat"), "cache 0\ntotal_inactive_file 1024\n");
        Files.writeString(pids.resolve("pids.current"), "2\n");
        Files.writeString(pids.resolve("pids.max"), "max\n");
        Files.writeString(blkio.resolve("blkio.throttle.io_service_bytes"),
                "8:0 Read 10\n8:0 Write 20\n8:16 Read 5\n8:16 Write 0\nTotal 35\n");
        ContainerStats s = CgroupStats.readV1(dir, rel, -1);
        assertEquals(1500, s.cpuTotalNanos());
        assertEquals(500, s.cpuSystemNanos());
        assertEquals(8192, s.memoryUsage());
        assertEquals(-1, s.memoryLimit(), "the kernel's page-rounded LONG_MAX is no limit");
        assertEquals(1024L, s.memoryStat().get("total_inactive_file"));
        assertEquals(2, s.pids());
        assertEquals(-1, s.pidsLimit());
        assertEquals(15, s.ioReadBytes());
        assertEquals(20, s.ioWriteBytes());

        Files.writeString(memory.resolve("memory.limit_in_bytes"), "67108864\n");
        assertEquals(67108864, CgroupStats.readV1(dir, rel, -1).memoryLimit());
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
}
