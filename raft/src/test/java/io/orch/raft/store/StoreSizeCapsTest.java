package io.orch.raft.store;

import com.google.protobuf.Message;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.ApplyResult;
import io.orch.raft.ForwardingProposer;
import io.orch.raft.LocalProposer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreSizeCapsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    /** Keeps every command that reached the proposer. */
    private static final class RecordingProposer extends ForwardingProposer {
        final List<StoreCommand> proposed = new CopyOnWriteArrayList<>();

        RecordingProposer() {
            super(new LocalProposer());
        }

        @Override
        public CompletableFuture<ApplyResult> propose(StoreCommand command) {
            proposed.add(command);
            return super.propose(command);
        }
    }

    private final RecordingProposer proposer = new RecordingProposer();
    private final ClusterStore store = new ClusterStore(proposer, CLOCK);

    @BeforeEach
    void start() throws Exception {
        store.start();
    }

    /** A service whose label makes it exactly {@code bytes} long serialised. */
    private static Service serviceOf(String name, int bytes) {
        int framing = service(name, 500_000).getSerializedSize() - 500_000; // the same length varints up to 2 MiB
        Service s = service(name, bytes - framing);
        assertEquals(bytes, s.getSerializedSize(), "test setup: the service's size");
        return s;
    }

    private static Service service(String name, int labelLength) {
        return Service.newBuilder().setId("id-" + name)
                .setSpec(ServiceSpec.newBuilder().setName(name).putLabels("pad", "x".repeat(labelLength))).build();
    }

    /** What the store proposes for {@code creates}: the size the entry cap is judged on. */
    private static int entrySize(List<? extends Message> creates) {
        StoreCommand.Builder command = StoreCommand.newBuilder().setProposedAtMillis(CLOCK.millis());
        for (Message m : creates) {
            command.addActions(StoreAction.newBuilder().setKind(StoreAction.Kind.CREATE).setObject(ObjectKind.wrap(m)));
            command.addExpectedVersions(0);
        }
        return command.build().getSerializedSize();
    }

    private long version() {
        return store.read(ReadTx::version);
    }

    @Test
    void anObjectExactlyAtTheCapIsStored() throws Exception {
        Service atCap = serviceOf("at-cap", WriteTx.OBJECT_MAX_BYTES);

        store.updateAndWait(tx -> tx.create(atCap));

        assertEquals(atCap.getSpec(), store.read(r -> r.service("id-at-cap")).orElseThrow().getSpec());
    }

    @Test
    void anObjectOneByteOverTheCapIsRefusedWithItsNameAndSizesAndNothingIsProposed() {
        Service over = serviceOf("over", WriteTx.OBJECT_MAX_BYTES + 1);
        long before = version();

        TooLargeException e = assertThrows(TooLargeException.class, () -> store.updateAndWait(tx -> tx.create(over)));

        assertEquals(StoreException.Reason.TOO_LARGE, e.reason());
        assertEquals("service \"over\" is 1048577 bytes serialised; one object may be at most 1 MiB", e.getMessage());
        assertTrue(proposer.proposed.isEmpty(), "nothing reached the proposer");
        assertEquals(before, version());
        assertTrue(store.read(r -> r.service("id-over")).isEmpty());
    }

    @Test
    void aFifteenMegabyteLabelIsNamedInMebibytes() {
        Service huge = service("huge", 15_000_000);

        TooLargeException e = assertThrows(TooLargeException.class, () -> store.updateAndWait(tx -> tx.create(huge)));

        assertEquals("service \"huge\" is 14.3 MiB serialised; one object may be at most 1 MiB", e.getMessage());
    }

    @Test
    void oneObjectTooLargeRefusesTheWholeTransaction() {
        Service small = service("small", 10);
        Service over = serviceOf("over", WriteTx.OBJECT_MAX_BYTES + 1);

        assertThrows(TooLargeException.class, () -> store.updateAndWait(tx -> {
            tx.create(small);
            tx.create(over);
            assertTrue(tx.full(), "a batch writer stops adding to a transaction that will be refused");
            tx.create(service("after", 10));
        }));

        assertTrue(proposer.proposed.isEmpty());
        assertEquals(0, (int) store.read(r -> r.services().size()));
    }

    /** Three objects at the object cap and a fourth that brings the entry to exactly {@code entryBytes}. */
    private static List<Service> servicesFilling(int entryBytes) {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            services.add(serviceOf("s" + i, WriteTx.OBJECT_MAX_BYTES));
        }
        Service probe = serviceOf("s3", 900_000);
        services.add(probe);
        int missing = entryBytes - entrySize(services);
        services.set(3, serviceOf("s3", probe.getSerializedSize() + missing));
        assertEquals(entryBytes, entrySize(services), "test setup: the entry's size");
        return services;
    }

    @Test
    void aTransactionExactlyAtTheEntryCapIsProposedAndApplied() throws Exception {
        List<Service> services = servicesFilling(WriteTx.ENTRY_MAX_BYTES);

        store.updateAndWait(tx -> services.forEach(tx::create));

        assertEquals(1, proposer.proposed.size());
        assertEquals(WriteTx.ENTRY_MAX_BYTES, proposer.proposed.get(0).getSerializedSize());
        assertEquals(4, (int) store.read(r -> r.services().size()));
    }

    @Test
    void aTransactionOneByteOverTheEntryCapIsRefusedAndNothingIsApplied() {
        List<Service> services = servicesFilling(WriteTx.ENTRY_MAX_BYTES + 1);
        long before = version();

        TooLargeException e = assertThrows(TooLargeException.class,
                () -> store.updateAndWait(tx -> services.forEach(tx::create)));

        assertEquals(StoreException.Reason.TOO_LARGE, e.reason());
        assertEquals("a transaction of 4 changes is 4194305 bytes serialised; one transaction may be at most 4 MiB",
                e.getMessage());
        assertTrue(proposer.proposed.isEmpty());
        assertEquals(before, version());
        assertEquals(0, (int) store.read(r -> r.services().size()));
    }

    @Test
    void anObjectStoredBeforeTheCapsCanStillBeRemoved() throws Exception {
        // written around the store's caps, as an older version could
        Service legacy = serviceOf("legacy", 2 * WriteTx.OBJECT_MAX_BYTES);
        proposer.propose(StoreCommand.newBuilder().addActions(StoreAction.newBuilder()
                .setKind(StoreAction.Kind.CREATE).setObject(ObjectKind.wrap(legacy))).addExpectedVersions(0).build()).join();
        Service stored = store.read(r -> r.service("id-legacy")).orElseThrow();

        store.updateAndWait(tx -> tx.delete(stored));

        assertTrue(store.read(r -> r.service("id-legacy")).isEmpty());
        StoreCommand delete = proposer.proposed.get(proposer.proposed.size() - 1);
        assertTrue(delete.getSerializedSize() < 100, "a delete carries the id alone: " + delete.getSerializedSize());
    }

    @Test
    void aDeleteStillFailsWhenItsObjectChangedSinceItWasRead() throws Exception {
        store.updateAndWait(tx -> tx.create(service("web", 10)));
        Service read = store.read(r -> r.service("id-web")).orElseThrow();
        store.updateAndWait(tx -> tx.update(read.toBuilder().setSpec(read.getSpec().toBuilder().putLabels("more", "x")).build()));

        StoreException e = assertThrows(StoreException.class, () -> store.updateAndWait(tx -> tx.delete(read)));

        assertEquals(StoreException.Reason.CONFLICT, e.reason());
        assertTrue(store.read(r -> r.service("id-web")).isPresent());
    }

    @Test
    void theBudgetPlusOneObjectAndItsFramingFitsTheEntryCap() {
        // full() is checked before each add: a batch is below the budget, then takes one more object
        long worstBatch = (long) WriteTx.ENTRY_BUDGET_BYTES + WriteTx.OBJECT_MAX_BYTES + 64;
        assertTrue(worstBatch < WriteTx.ENTRY_MAX_BYTES);
    }

    @Test
    void aBatchOfLargestObjectsStoppedAtFullIsCommitted() throws Exception {
        int[] added = {0};
        store.updateAndWait(tx -> {
            while (!tx.full()) {
                tx.create(serviceOf("big" + added[0]++, WriteTx.OBJECT_MAX_BYTES));
            }
        });
        assertEquals(added[0], (int) store.read(r -> r.services().size()));
        assertTrue(proposer.proposed.get(0).getSerializedSize() <= WriteTx.ENTRY_MAX_BYTES);
    }

    @Test
    void aBatchOfSmallestChangesStoppedAtFullIsCommitted() throws Exception {
        // status reports: the smallest objects, so the framing of their actions weighs most
        int[] added = {0};
        store.updateAndWait(tx -> {
            while (!tx.full()) {
                tx.updateTaskStatus("t" + added[0]++, TaskStatus.newBuilder().setState(TaskState.RUNNING).build());
            }
        });
        StoreCommand entry = proposer.proposed.get(0);
        assertTrue(entry.getSerializedSize() <= WriteTx.ENTRY_MAX_BYTES);
        assertTrue(entry.getSerializedSize() >= WriteTx.ENTRY_BUDGET_BYTES, "full counts the framing too");
    }

    @Test
    void bytesCountsTheEntryAsItWillBeProposed() throws Exception {
        long[] counted = {0};
        store.updateAndWait(tx -> {
            for (int i = 0; i < 100; i++) {
                tx.create(Task.newBuilder().setId("task-" + i).setServiceId("s1").setSlot(i + 1).build());
            }
            counted[0] = tx.bytes();
        });
        long proposed = proposer.proposed.get(0).getSerializedSize();
        assertTrue(counted[0] <= proposed && proposed - counted[0] <= 16,
                "within the entry's own few header bytes: counted " + counted[0] + ", proposed " + proposed);
    }
}
