package org.modelheritage.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreContract;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.StoreLockedException;
import org.modelheritage.store.Stores;
import org.modelheritage.store.TestModels;

class FileMetadataStoreTest extends MetadataStoreContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path temp;

    @Override
    protected URI newStoreUri() {
        return temp.resolve("store" + COUNTER.incrementAndGet()).toUri();
    }

    private Path dir() {
        return Stores.fileUriPath(uri);
    }

    private static List<String> journalFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondOpenIsRefusedWhileTheFirstIsOpen() {
        StoreLockedException e = assertThrows(StoreLockedException.class, () -> Stores.openMetadata(uri));
        assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
    }

    @Test
    void aSecondProcessIsRefused() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OpenOnce.class.getName(), uri.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertEquals(3, child.waitFor(), out);
        assertTrue(out.contains("is in use by another process (pid " + ProcessHandle.current().pid() + " on host "), out);
        assertTrue(out.contains(" since 20"), out);
    }

    /** Child JVM: tries to open the store; exits 3 with the message when it is locked. */
    public static final class OpenOnce {
        public static void main(String[] args) {
            try (MetadataStore s = Stores.openMetadata(URI.create(args[0]))) {
                System.exit(0);
            } catch (StoreLockedException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void changesGoToTheJournalAndIntoASnapshotOnClose() throws Exception {
        store.insertModel(TestModels.model("a", "a"));
        store.insertModel(TestModels.model("b", "b"));
        assertEquals(List.of(String.format("%020d.json", 1), String.format("%020d.json", 2)), journalFiles(dir()));
        store.close();
        store = null;
        assertEquals(List.of(), journalFiles(dir()));
        assertTrue(Files.readString(dir().resolve("snapshot.ndjson")).contains("\"seq\":2"));
        store = Stores.openMetadata(uri);
        assertEquals(2, store.totals().models());
        store.insertModel(TestModels.model("c", "c"));
        assertEquals(List.of(String.format("%020d.json", 3)), journalFiles(dir()));
    }

    @Test
    void snapshotsAreTakenEveryNEntries() throws Exception {
        store.close();
        store = Stores.openMetadata(uri, Map.of("checkpointEntries", "5"));
        for (int i = 0; i < 12; i++) {
            store.insertModel(TestModels.model("m" + i, "m" + i));
        }
        assertEquals(List.of(String.format("%020d.json", 11), String.format("%020d.json", 12)), journalFiles(dir()));
        assertTrue(Files.readString(dir().resolve("snapshot.ndjson")).contains("\"seq\":10"));
        store.apply(ChangeSet.builder().putStatistics("m1", "v", new byte[] {1}).build());
        store.apply(ChangeSet.builder().putStatistics("m1", "v", new byte[] {2}).build());
        try (Stream<Path> s = Files.list(dir().resolve("statistics"))) {
            assertEquals(2, s.count(), "the replaced statistics file stays until the next snapshot");
        }
        store.insertModel(TestModels.model("m12", "m12")); // entry 15: a snapshot
        try (Stream<Path> s = Files.list(dir().resolve("statistics"))) {
            assertEquals(1, s.count(), "the replaced statistics file was collected at the snapshot");
        }
        // a crash right after a snapshot, before the covered journal entries were deleted
        Files.writeString(dir().resolve("journal").resolve(String.format("%020d.json", 3)), "not even json");
        Files.writeString(dir().resolve("staging").resolve("x.tmp"), "half");
        store.close();
        store = Stores.openMetadata(uri);
        assertEquals(13, store.searchModels(ModelQuery.all()).total());
        assertEquals(new byte[] {2}[0], store.statistics("m1", "v").orElseThrow()[0]);
        assertEquals(List.of(), Files.list(dir().resolve("staging")).toList());
    }

    /** Journals and snapshots written before merges have edges without a weight: read as 1. */
    @Test
    void filesWithoutEdgeWeightsReadAsWeightOne() throws Exception {
        store.apply(ChangeSet.builder().insertModel(TestModels.model("r", "r")).insertModel(TestModels.model("a", "a"))
                .putFamily("fam", "h", "r")
                .replaceLineage("fam", List.of(new LineageEdge("r", "a", 0.5, EdgeKind.FINE_TUNE))).build());
        List<LineageEdge> expected = List.of(new LineageEdge("r", "a", 0.5, EdgeKind.FINE_TUNE, 1.0));
        Path old = temp.resolve("old-journal");
        Files.createDirectories(old.resolve("journal"));
        for (String entry : journalFiles(dir())) {
            String json = Files.readString(dir().resolve("journal").resolve(entry));
            Files.writeString(old.resolve("journal").resolve(entry), withoutWeights(json));
        }
        assertTrue(Files.readString(dir().resolve("journal").resolve(journalFiles(dir()).get(0))).contains("\"weight\":1.0"));
        try (MetadataStore replayed = Stores.openMetadata(old.toUri())) {
            assertEquals(expected, replayed.lineage("fam"));
            assertEquals("r", replayed.model("a").orElseThrow().parentId());
        }

        store.close();
        store = null;
        Path snapshot = dir().resolve("snapshot.ndjson");
        String text = Files.readString(snapshot);
        assertTrue(text.contains("\"weight\":1.0"), text);
        Files.writeString(snapshot, withoutWeights(text));
        store = Stores.openMetadata(uri);
        assertEquals(expected, store.lineage("fam"));
    }

    /** Version 1 snapshots (before API tokens and the audit log) open as a store with neither. */
    @Test
    void aVersionOneSnapshotOpensWithoutTokensOrAudit() throws Exception {
        store.insertModel(TestModels.model("a", "a"));
        store.close();
        store = null;
        Path snapshot = dir().resolve("snapshot.ndjson");
        String text = Files.readString(snapshot);
        assertTrue(text.contains("\"version\":2"), text);
        Files.writeString(snapshot, text.replace("\"version\":2", "\"version\":1"));
        store = Stores.openMetadata(uri);
        assertEquals("a", store.model("a").orElseThrow().name());
        assertEquals(List.of(), store.tokens());
        assertEquals(0, store.audit(0, 10).total());
        store.apply(ChangeSet.builder().putToken(new org.modelheritage.store.ApiToken("t", "t", "reader",
                TestModels.sha("s"), TestModels.T0, null, null, null)).build());
        store.close();
        store = null;
        assertTrue(Files.readString(snapshot).contains("\"version\":2"), "written back as version 2");
        store = Stores.openMetadata(uri);
        assertEquals(1, store.tokens().size());
    }

    private static String withoutWeights(String json) {
        String out = json.replaceAll(",\"weight\":[0-9.eE+-]+", "");
        assertTrue(!out.contains("weight"), out);
        return out;
    }

    @Test
    void aDamagedJournalIsReportedNotIgnored() throws Exception {
        store.insertModel(TestModels.model("a", "a"));
        store.insertModel(TestModels.model("b", "b"));
        Path crash = temp.resolve("copy");
        Files.createDirectories(crash.resolve("journal"));
        // an entry after a gap cannot have been written by the store
        Files.copy(dir().resolve("journal").resolve(String.format("%020d.json", 2)),
                crash.resolve("journal").resolve(String.format("%020d.json", 2)));
        StoreException e = assertThrows(StoreException.class, () -> Stores.openMetadata(crash.toUri()));
        assertTrue(e.getMessage().contains("gap"), e.getMessage());
    }
}
