package org.modelheritage.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.modelheritage.store.TestModels.T0;
import static org.modelheritage.store.TestModels.full;
import static org.modelheritage.store.TestModels.model;
import static org.modelheritage.store.TestModels.sha;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;

/**
 * The behaviour every {@link MetadataStore} adapter must have. An adapter's test extends this class
 * and says how to make a URI for a new, empty store; each test gets a fresh store.
 */
public abstract class MetadataStoreContract {

    /** A URI for a new, empty store, opened through {@link Stores} (and so through ServiceLoader). */
    protected abstract URI newStoreUri() throws Exception;

    /** Options passed when opening (and to the crash test's child JVM). */
    protected Map<String, String> options() {
        return Map.of();
    }

    protected URI uri;
    protected MetadataStore store;

    @BeforeEach
    void openFreshStore() throws Exception {
        uri = newStoreUri();
        store = Stores.openMetadata(uri, options());
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected MetadataStore reopen() {
        store.close();
        store = null;
        store = Stores.openMetadata(uri, options());
        return store;
    }

    private List<String> ids(List<Model> models) {
        return models.stream().map(Model::id).toList();
    }

    private List<String> names(Page<Model> page) {
        return page.items().stream().map(Model::name).toList();
    }

    // ------------------------------------------------------------------ models

    @Test
    void everyFieldRoundTrips() {
        store.apply(ChangeSet.builder().insertModel(model("root", "root")).putFamily("fam", "struct-fam", "root")
                .build());
        Model m = full("m1", "Llama fine-tune", "fam", "root");
        store.insertModel(m);
        assertEquals(Optional.of(m), store.model("m1"));
        assertEquals(Optional.of(m), store.modelByChecksum(m.checksum()));
        assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"), store.model("m1").orElseThrow().fileNames());

        Model sparse = Model.builder("m2", "x", sha("m2"), 0, T0).build();
        store.insertModel(sparse);
        Model back = store.model("m2").orElseThrow();
        assertEquals(sparse, back);
        assertNull(back.description());
        assertNull(back.parameterCount());
        assertNull(back.confidence());
        assertNull(back.processedAt());
        assertEquals(List.of(), back.files());
        assertEquals(Optional.empty(), store.model("nope"));
        assertEquals(Optional.empty(), store.modelByChecksum(sha("nope")));
    }

    @Test
    void timestampsKeepMilliseconds() {
        Model m = model("t", "t").toBuilder().createdAt(T0.plusNanos(123_456_789)).build();
        store.insertModel(m);
        assertEquals(T0.plusMillis(123), store.model("t").orElseThrow().createdAt());
    }

    @Test
    void updateReplacesFieldsAndFiles() {
        store.insertModel(model("m", "before"));
        Model after = model("m", "after").toBuilder().description("d").format("safetensors")
                .files(List.of(new ModelFile("a.bin", sha("a"), 5), new ModelFile("b.bin", sha("b"), 6)))
                .checksum(sha("new bytes")).parameterCount(42L).layerCount(3).status(ModelStatus.READY)
                .processedAt(T0.plusSeconds(5)).build();
        store.updateModel(after);
        assertEquals(Optional.of(after), store.model("m"));
        assertEquals(Optional.empty(), store.modelByChecksum(sha("model:m")));

        store.apply(ChangeSet.builder().updateStatus("m", ModelStatus.FAILED, "bad header", T0.plusSeconds(9)).build());
        Model failed = store.model("m").orElseThrow();
        assertEquals(ModelStatus.FAILED, failed.status());
        assertEquals("bad header", failed.failureMessage());
        assertEquals(T0.plusSeconds(9), failed.processedAt());
        assertEquals("after", failed.name());
        assertEquals(42L, failed.parameterCount());

        NoSuchRecordException e = assertThrows(NoSuchRecordException.class, () -> store.updateModel(model("x", "x")));
        assertEquals("model", e.kind());
        assertEquals("x", e.id());
        assertThrows(NoSuchRecordException.class, () -> store.apply(
                ChangeSet.builder().updateStatus("x", ModelStatus.READY, null, null).build()));
        assertEquals(Optional.empty(), store.model("x"));
    }

    @Test
    void duplicateChecksumIsRejectedWithTheExistingModel() {
        store.insertModel(model("first", "first"));
        Model same = model("second", "second").toBuilder().checksum(sha("model:first")).build();
        DuplicateChecksumException e = assertThrows(DuplicateChecksumException.class, () -> store.insertModel(same));
        assertEquals("first", e.existingModelId());
        assertEquals(sha("model:first"), e.checksum());
        assertEquals(Optional.empty(), store.model("second"));

        store.insertModel(model("other", "other"));
        Model clash = store.model("other").orElseThrow().toBuilder().checksum(sha("model:first")).build();
        assertThrows(DuplicateChecksumException.class, () -> store.updateModel(clash));
        assertEquals(sha("model:other"), store.model("other").orElseThrow().checksum());
        assertEquals(2, store.totals().models());
    }

    @Test
    void duplicateIdIsRejected() {
        store.insertModel(model("m", "one"));
        Model again = model("m", "two").toBuilder().checksum(sha("different")).build();
        DuplicateIdException e = assertThrows(DuplicateIdException.class, () -> store.insertModel(again));
        assertEquals("m", e.id());
        assertEquals("one", store.model("m").orElseThrow().name());
    }

    @Test
    void aFailedChangeSetChangesNothing() {
        store.insertModel(model("existing", "existing"));
        ChangeSet doomed = ChangeSet.builder()
                .insertModel(model("n1", "n1"))
                .putFamily("fam", "h", "n1")
                .replaceLineage("fam", List.of(new LineageEdge("n1", "existing", 0.5, EdgeKind.FINE_TUNE)))
                .putDistance("n1", "existing", "l2", 1.0)
                .putStatistics("n1", "v", new byte[] {1, 2})
                .enqueueJob("n1", T0)
                .deleteModel("existing")
                .insertModel(model("n2", "n2").toBuilder().checksum(sha("model:n1")).build())
                .build();
        assertThrows(DuplicateChecksumException.class, () -> store.apply(doomed));
        assertEquals(Optional.empty(), store.model("n1"));
        assertEquals(Optional.empty(), store.family("fam"));
        assertEquals(Optional.of(model("existing", "existing")), store.model("existing"));
        assertEquals(Optional.empty(), store.job("n1"));
        assertEquals(1, store.totals().models());
        assertEquals(0, store.totals().families());

        ChangeSet missingRef = ChangeSet.builder()
                .insertModel(model("n3", "n3"))
                .insertModel(model("n4", "n4").toBuilder().parentId("ghost").build())
                .build();
        NoSuchRecordException e = assertThrows(NoSuchRecordException.class, () -> store.apply(missingRef));
        assertEquals("ghost", e.id());
        assertEquals(Optional.empty(), store.model("n3"));
        assertThrows(NoSuchRecordException.class,
                () -> store.insertModel(model("n5", "n5").toBuilder().familyId("no-family").build()));
        assertEquals(1, store.totals().models());
    }

    @Test
    void manyInsertsInOneSetAreCheckedInOrder() {
        assertThrows(DuplicateIdException.class, () -> store.apply(ChangeSet.builder().insertModel(model("x", "x"))
                .insertModel(model("x", "x again").toBuilder().checksum(sha("other")).build()).build()));
        NoSuchRecordException e = assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder()
                .insertModel(model("a", "a"))
                .insertModel(model("b", "b").toBuilder().parentId("a").build())
                .insertModel(model("c", "c").toBuilder().parentId("d").build())
                .insertModel(model("d", "d"))
                .build()));
        assertEquals("d", e.id());
        assertEquals(0, store.totals().models());

        ChangeSet.Builder b = ChangeSet.builder();
        for (int i = 0; i < 1234; i++) {
            b.insertModel(full(String.format("bulk%04d", i), "bulk " + i, null, null).toBuilder().structuralHash(null)
                    .parentId(i == 0 ? null : "bulk0000").confidence(i == 0 ? null : 0.5).build());
        }
        store.apply(b.enqueueJob("bulk1233", T0).build());
        assertEquals(1234, store.totals().models());
        assertEquals(full("bulk1000", "bulk 1000", null, null).toBuilder().structuralHash(null).parentId("bulk0000")
                .confidence(0.5).build(), store.model("bulk1000").orElseThrow());
        assertEquals(1233, store.children("bulk0000").size());
        assertTrue(store.blobReferenced(sha("ix:bulk1233")));
    }

    @Test
    void laterChangesSeeEarlierOnesInTheSameSet() {
        store.apply(ChangeSet.builder()
                .insertModel(model("p", "p"))
                .putFamily("fam", "h", "p")
                .insertModel(model("c", "c").toBuilder().familyId("fam").parentId("p").confidence(0.9).build())
                .updateStatus("c", ModelStatus.READY, null, T0)
                .build());
        assertEquals(ModelStatus.READY, store.model("c").orElseThrow().status());
        assertEquals(1, store.family("fam").orElseThrow().memberCount()); // p is the root but not yet a member
    }

    // ------------------------------------------------------------------ search

    @Test
    void searchIsCaseInsensitiveSubstringInAlphabeticalOrder() {
        List<String> names = List.of("roberta", "BERT-large", "gpt-neo", "Albert", "bert-base", "GPT-2", "Zeta",
                "alpha", "Alpha", "Ärger", "distilBERT");
        ChangeSet.Builder b = ChangeSet.builder();
        for (int i = 0; i < names.size(); i++) {
            b.insertModel(model("m" + i, names.get(i)));
        }
        store.apply(b.build());

        Page<Model> bert = store.searchModels(ModelQuery.all().withNameContaining("bert"));
        assertEquals(List.of("Albert", "bert-base", "BERT-large", "distilBERT", "roberta"), names(bert));
        assertEquals(5, bert.total());
        assertEquals(names(bert), names(store.searchModels(ModelQuery.all().withNameContaining("BeRt"))));

        Page<Model> all = store.searchModels(ModelQuery.all());
        assertEquals(List.of("Albert", "Alpha", "alpha", "bert-base", "BERT-large", "distilBERT", "GPT-2",
                "gpt-neo", "roberta", "Zeta", "Ärger"), names(all));
        assertEquals(11, all.total());
        assertEquals(List.of("Ärger"), names(store.searchModels(ModelQuery.all().withNameContaining("ärg"))));
        assertEquals(List.of(), names(store.searchModels(ModelQuery.all().withNameContaining("xyz"))));
        assertEquals(0, store.searchModels(ModelQuery.all().withNameContaining("xyz")).total());
    }

    @Test
    void equalNamesAreOrderedById() {
        store.apply(ChangeSet.builder().insertModel(model("b", "same")).insertModel(model("c", "Same"))
                .insertModel(model("a", "same")).build());
        assertEquals(List.of("c", "a", "b"), ids(store.searchModels(ModelQuery.all()).items()));
    }

    @Test
    void likeWildcardsInSearchTextAreLiteral() {
        store.apply(ChangeSet.builder().insertModel(model("p", "100% tuned")).insertModel(model("u", "a_b"))
                .insertModel(model("x", "axb")).insertModel(model("s", "back\\slash")).insertModel(model("o", "1000"))
                .build());
        assertEquals(List.of("100% tuned"), names(store.searchModels(ModelQuery.all().withNameContaining("%"))));
        assertEquals(List.of("a_b"), names(store.searchModels(ModelQuery.all().withNameContaining("_"))));
        assertEquals(List.of("back\\slash"), names(store.searchModels(ModelQuery.all().withNameContaining("\\"))));
        assertEquals(List.of("100% tuned", "1000"), names(store.searchModels(ModelQuery.all().withNameContaining("10"))));
    }

    @Test
    void pagesAreStableAndCarryTheTotal() {
        ChangeSet.Builder b = ChangeSet.builder();
        for (int i = 0; i < 25; i++) {
            b.insertModel(model(String.format("id%02d", 24 - i), String.format("model %02d", i)));
        }
        store.apply(b.build());
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            Page<Model> page = store.searchModels(ModelQuery.all().page(offset, 10));
            assertEquals(25, page.total());
            assertEquals(offset, page.offset());
            assertEquals(10, page.limit());
            seen.addAll(names(page));
        }
        assertEquals(IntStream.range(0, 25).mapToObj(i -> String.format("model %02d", i)).toList(), seen);
        assertEquals(List.of(), store.searchModels(ModelQuery.all().page(100, 10)).items());
        assertEquals(25, store.searchModels(ModelQuery.all().page(100, 10)).total());
        Page<Model> countOnly = store.searchModels(ModelQuery.all().page(0, 0));
        assertEquals(List.of(), countOnly.items());
        assertEquals(25, countOnly.total());
        Page<Model> filtered = store.searchModels(ModelQuery.all().withNameContaining("1").page(2, 3));
        assertEquals(List.of("model 11", "model 12", "model 13"), names(filtered));
        assertEquals(12, filtered.total()); // 01, 10-19, 21
        Page<Model> lastFiltered = store.searchModels(ModelQuery.all().withNameContaining("1").page(10, 5));
        assertEquals(List.of("model 19", "model 21"), names(lastFiltered));
        assertEquals(12, lastFiltered.total());
        assertEquals(12, store.searchModels(ModelQuery.all().withNameContaining("1").page(12, 5)).total());
        assertEquals(12, store.searchModels(ModelQuery.all().withNameContaining("1").page(0, 12)).total());
        assertEquals(0, store.searchModels(ModelQuery.all().withNameContaining("none").page(5, 5)).total());
    }

    @Test
    void searchFiltersByFamilyAndStatus() {
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "root")).putFamily("f1", "h1", "r").putFamily("f2", "h2", null)
                .insertModel(model("a", "alpha").toBuilder().familyId("f1").status(ModelStatus.READY).build())
                .insertModel(model("b", "beta").toBuilder().familyId("f1").status(ModelStatus.FAILED).build())
                .insertModel(model("c", "gamma").toBuilder().familyId("f2").status(ModelStatus.READY).build())
                .build());
        assertEquals(List.of("alpha", "beta"), names(store.searchModels(ModelQuery.all().inFamily("f1"))));
        assertEquals(List.of("alpha", "gamma"),
                names(store.searchModels(ModelQuery.all().withStatus(ModelStatus.READY))));
        Page<Model> both = store.searchModels(ModelQuery.all().inFamily("f1").withStatus(ModelStatus.READY));
        assertEquals(List.of("alpha"), names(both));
        assertEquals(1, both.total());
        assertEquals(List.of("root"), names(store.searchModels(ModelQuery.all().withStatus(ModelStatus.PENDING))));
        assertEquals(List.of("gamma"),
                names(store.searchModels(ModelQuery.all().inFamily("f2").withNameContaining("AMM"))));
    }

    // ------------------------------------------------------------------ families and lineage

    @Test
    void familiesCountTheirMembers() {
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "r")).insertModel(model("a", "a")).insertModel(model("b", "b"))
                .putFamily("f1", "hash-x", "r").putFamily("f2", "hash-x", null).putFamily("f0", "hash-y", null)
                .updateModel(model("r", "r").toBuilder().familyId("f1").build())
                .updateModel(model("a", "a").toBuilder().familyId("f1").build())
                .updateModel(model("b", "b").toBuilder().familyId("f2").build())
                .build());
        assertEquals(Optional.of(new Family("f1", "hash-x", 2, "r")), store.family("f1"));
        assertEquals(Optional.of(new Family("f2", "hash-x", 1, null)), store.family("f2"));
        assertEquals(Optional.empty(), store.family("nope"));
        assertEquals(List.of("f1", "f2"),
                store.familiesByStructuralHash("hash-x").stream().map(Family::id).sorted().toList());
        Page<Family> page = store.families(0, 2);
        assertEquals(List.of("f0", "f1"), page.items().stream().map(Family::id).toList());
        assertEquals(3, page.total());
        assertEquals(List.of("f2"), store.families(2, 2).items().stream().map(Family::id).toList());

        store.apply(ChangeSet.builder().putFamily("f2", "hash-z", "b").build());
        assertEquals(Optional.of(new Family("f2", "hash-z", 1, "b")), store.family("f2"));
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().putFamily("f3", "h", "ghost").build()));
        assertEquals(Optional.empty(), store.family("f3"));
    }

    @Test
    void modelsOfFamiliesListsTheGroupInOneState() {
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "r")).insertModel(model("a", "a")).insertModel(model("b", "b"))
                .insertModel(model("c", "c")).insertModel(model("d", "d")).insertModel(model("e", "e"))
                .putFamily("f1", "hash-x", "r").putFamily("f2", "hash-x", null).putFamily("f0", "hash-y", null)
                .updateModel(model("r", "r").toBuilder().familyId("f1").build())
                .updateModel(model("a", "a").toBuilder().familyId("f1").build())
                .updateModel(model("b", "b").toBuilder().familyId("f2").build())
                .updateModel(model("c", "c").toBuilder().familyId("f2").build())
                .updateModel(model("d", "d").toBuilder().familyId("f0").build())
                .updateStatus("r", ModelStatus.READY, null, T0).updateStatus("b", ModelStatus.READY, null, T0)
                .updateStatus("c", ModelStatus.READY, null, T0).updateStatus("d", ModelStatus.READY, null, T0)
                .updateStatus("e", ModelStatus.READY, null, T0)
                .build());
        // a is still pending; d is of another structure; e is in no family
        List<Model> ready = store.modelsOfFamilies("hash-x", ModelStatus.READY);
        assertEquals(List.of("b", "c", "r"), ready.stream().map(Model::id).toList());
        assertEquals(store.model("b").orElseThrow(), ready.get(0), "the whole model, files included");
        assertEquals(List.of("a"), store.modelsOfFamilies("hash-x", ModelStatus.PENDING).stream().map(Model::id).toList());
        assertEquals(List.of(), store.modelsOfFamilies("hash-none", ModelStatus.READY));
    }

    private void threeGenerations() {
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "root")).insertModel(model("a", "a")).insertModel(model("b", "b"))
                .insertModel(model("c", "c"))
                .putFamily("fam", "h", "r")
                .replaceLineage("fam", List.of(
                        new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE),
                        new LineageEdge("r", "b", 0.8, EdgeKind.FINE_TUNE),
                        new LineageEdge("a", "c", 1.0, EdgeKind.DUPLICATE)))
                .build());
    }

    @Test
    void replaceLineageSetsParentsAndFamilies() {
        threeGenerations();
        assertEquals(List.of(new LineageEdge("a", "c", 1.0, EdgeKind.DUPLICATE),
                new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "b", 0.8, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        Model c = store.model("c").orElseThrow();
        assertEquals("a", c.parentId());
        assertEquals(1.0, c.confidence());
        assertEquals("fam", c.familyId());
        Model r = store.model("r").orElseThrow();
        assertNull(r.parentId());
        assertNull(r.confidence());
        assertEquals("fam", r.familyId());
        assertEquals(4, store.family("fam").orElseThrow().memberCount());
        assertEquals(List.of("a", "b"), ids(store.children("r")));
        assertEquals(List.of(), ids(store.children("b")));

        store.apply(ChangeSet.builder().replaceLineage("fam", List.of(
                new LineageEdge("r", "a", 0.7, EdgeKind.FINE_TUNE),
                new LineageEdge("a", "b", 0.6, EdgeKind.FINE_TUNE),
                new LineageEdge("a", "c", 0.5, EdgeKind.FINE_TUNE))).build());
        assertEquals(List.of(new LineageEdge("a", "b", 0.6, EdgeKind.FINE_TUNE),
                new LineageEdge("a", "c", 0.5, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "a", 0.7, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        assertEquals("a", store.model("b").orElseThrow().parentId());
        assertEquals(0.6, store.model("b").orElseThrow().confidence());
        assertEquals(List.of("b", "c"), ids(store.children("a")));

        store.apply(ChangeSet.builder().replaceLineage("fam", List.of()).build());
        assertEquals(List.of(), store.lineage("fam"));
        for (String id : List.of("r", "a", "b", "c")) {
            Model m = store.model(id).orElseThrow();
            assertNull(m.parentId(), id);
            assertNull(m.confidence(), id);
            assertEquals("fam", m.familyId(), id);
        }
    }

    @Test
    void replaceLineageMovesModelsBetweenFamilies() {
        threeGenerations();
        store.apply(ChangeSet.builder().insertModel(model("n", "n")).putFamily("other", "h", "n")
                .replaceLineage("other", List.of(new LineageEdge("n", "c", 0.4, EdgeKind.FINE_TUNE))).build());
        assertEquals(List.of(new LineageEdge("n", "c", 0.4, EdgeKind.FINE_TUNE)), store.lineage("other"));
        assertEquals(List.of(new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "b", 0.8, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        assertEquals("other", store.model("c").orElseThrow().familyId());
        assertEquals(3, store.family("fam").orElseThrow().memberCount());
        assertEquals(2, store.family("other").orElseThrow().memberCount());
    }

    @Test
    void updateLineageReplacesTheEdgesIntoTheChildrenNamedAndNoOthers() {
        threeGenerations();
        store.apply(ChangeSet.builder().insertModel(model("n", "n")).insertModel(model("o", "o"))
                .putFamily("other", "h", "o")
                .replaceLineage("other", List.of(new LineageEdge("o", "n", 0.4, EdgeKind.FINE_TUNE))).build());
        // b moves under a, c's confidence changes, a becomes a root, n comes over from the other
        // family (its edge there goes), and m's parents are a merge; r keeps what it had
        store.apply(ChangeSet.builder().insertModel(model("m", "m")).build());
        store.apply(ChangeSet.builder().updateLineage("fam", java.util.Set.of("a", "b", "c", "n", "m"), List.of(
                new LineageEdge("a", "b", 0.6, EdgeKind.FINE_TUNE),
                new LineageEdge("a", "c", 0.3, EdgeKind.FINE_TUNE),
                new LineageEdge("b", "n", 0.2, EdgeKind.ADAPTER),
                new LineageEdge("b", "m", 0.7, EdgeKind.MERGE, 0.25),
                new LineageEdge("c", "m", 0.7, EdgeKind.MERGE, 0.75))).build());
        assertEquals(List.of(new LineageEdge("a", "b", 0.6, EdgeKind.FINE_TUNE),
                new LineageEdge("a", "c", 0.3, EdgeKind.FINE_TUNE),
                new LineageEdge("b", "m", 0.7, EdgeKind.MERGE, 0.25),
                new LineageEdge("b", "n", 0.2, EdgeKind.ADAPTER),
                new LineageEdge("c", "m", 0.7, EdgeKind.MERGE, 0.75)), store.lineage("fam"));
        assertEquals(List.of(), store.lineage("other"));
        assertNull(store.model("a").orElseThrow().parentId());
        assertNull(store.model("a").orElseThrow().confidence());
        assertEquals("a", store.model("b").orElseThrow().parentId());
        assertEquals(0.3, store.model("c").orElseThrow().confidence());
        assertEquals("c", store.model("m").orElseThrow().parentId(), "the heavier parent is the main one");
        Model n = store.model("n").orElseThrow();
        assertEquals("fam", n.familyId());
        assertEquals("b", n.parentId());
        assertEquals(0.2, n.confidence());
        assertEquals("fam", store.model("m").orElseThrow().familyId());
        assertEquals(6, store.family("fam").orElseThrow().memberCount());
        assertEquals(1, store.family("other").orElseThrow().memberCount());
        assertEquals(List.of("b", "c"), ids(store.children("a")));
        assertEquals(List.of(), ids(store.children("r")));

        // the same state as replacing the whole lineage; and nothing named, nothing changed
        store.apply(ChangeSet.builder().updateLineage("fam", java.util.Set.of(), List.of()).build());
        assertEquals(5, store.lineage("fam").size());
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().updateLineage("fam",
                java.util.Set.of("ghost"), List.of()).build()));
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().updateLineage("fam",
                java.util.Set.of("a"), List.of(new LineageEdge("ghost", "a", 0.5, EdgeKind.FINE_TUNE))).build()));
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().updateLineage("nofam",
                java.util.Set.of(), List.of()).build()));
        assertEquals(5, store.lineage("fam").size());
        assertThrows(IllegalArgumentException.class, () -> new Change.UpdateLineage("fam", java.util.Set.of("a"),
                List.of(new LineageEdge("r", "b", 1, EdgeKind.FINE_TUNE))));
        assertThrows(IllegalArgumentException.class, () -> new Change.UpdateLineage("fam", java.util.Set.of("a"),
                List.of(new LineageEdge("r", "a", 1, EdgeKind.FINE_TUNE), new LineageEdge("r", "a", 0.5, EdgeKind.MERGE, 0.5))));
    }

    @Test
    void replaceLineageRequiresExistingModelsAndFamily() {
        threeGenerations();
        List<LineageEdge> before = store.lineage("fam");
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().replaceLineage("fam",
                List.of(new LineageEdge("r", "ghost", 0.5, EdgeKind.FINE_TUNE))).build()));
        NoSuchRecordException e = assertThrows(NoSuchRecordException.class, () -> store.apply(
                ChangeSet.builder().replaceLineage("nofam", List.of()).build()));
        assertEquals("family", e.kind());
        assertEquals(before, store.lineage("fam"));
        assertEquals("a", store.model("c").orElseThrow().parentId());
        assertThrows(IllegalArgumentException.class, () -> new Change.ReplaceLineage("fam", List.of(
                new LineageEdge("r", "a", 1, EdgeKind.FINE_TUNE), new LineageEdge("r", "a", 0.5, EdgeKind.MERGE, 0.5))));
        assertThrows(IllegalArgumentException.class, () -> new Change.ReplaceLineage("fam", List.of(
                new LineageEdge("a", "b", 1, EdgeKind.FINE_TUNE), new LineageEdge("b", "a", 1, EdgeKind.FINE_TUNE))));
        // a cycle through a merge's second parent
        IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> new Change.ReplaceLineage("fam",
                List.of(new LineageEdge("r", "m", 1, EdgeKind.MERGE, 0.5), new LineageEdge("a", "m", 1, EdgeKind.MERGE, 0.5),
                        new LineageEdge("m", "b", 1, EdgeKind.FINE_TUNE), new LineageEdge("b", "a", 1, EdgeKind.FINE_TUNE))));
        assertEquals("lineage edges form a cycle (a is on it or below it)", cycle.getMessage());
        // a diamond is no cycle
        assertEquals(4, new Change.ReplaceLineage("fam", List.of(new LineageEdge("r", "a", 1, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "b", 1, EdgeKind.FINE_TUNE), new LineageEdge("a", "m", 1, EdgeKind.MERGE, 0.5),
                new LineageEdge("b", "m", 1, EdgeKind.MERGE, 0.5))).edges().size());
        assertThrows(IllegalArgumentException.class, () -> new LineageEdge("a", "b", 1, EdgeKind.MERGE, 0));
        assertThrows(IllegalArgumentException.class, () -> new LineageEdge("a", "b", 1, EdgeKind.MERGE, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new LineageEdge("a", "b", 1, EdgeKind.MERGE, Double.NaN));
    }

    /** r → a (fine-tune), r → b (quantized), and m merged from a (0.4) and b (0.6). */
    private void aMerge() {
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "root")).insertModel(model("a", "a")).insertModel(model("b", "b"))
                .insertModel(model("m", "merged"))
                .putFamily("fam", "h", "r")
                .replaceLineage("fam", List.of(
                        new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE),
                        new LineageEdge("r", "b", 0.8, EdgeKind.QUANTIZED),
                        new LineageEdge("a", "m", 0.95, EdgeKind.MERGE, 0.4),
                        new LineageEdge("b", "m", 0.75, EdgeKind.MERGE, 0.6)))
                .build());
    }

    private static final List<LineageEdge> MERGE_EDGES = List.of(
            new LineageEdge("a", "m", 0.95, EdgeKind.MERGE, 0.4),
            new LineageEdge("b", "m", 0.75, EdgeKind.MERGE, 0.6),
            new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE, 1.0),
            new LineageEdge("r", "b", 0.8, EdgeKind.QUANTIZED, 1.0));

    @Test
    void aMergeKeepsOneEdgePerParentWithKindAndWeight() {
        aMerge();
        assertEquals(MERGE_EDGES, store.lineage("fam"));
        Model m = store.model("m").orElseThrow();
        assertEquals("b", m.parentId(), "the main parent is the heaviest");
        assertEquals(0.75, m.confidence());
        assertEquals("fam", m.familyId());
        assertEquals(4, store.family("fam").orElseThrow().memberCount());
        assertEquals(List.of("m"), ids(store.children("b")));
        assertEquals(List.of(), ids(store.children("a")), "children() follows the main parent");
        assertEquals(List.of("a", "b"), ids(store.children("r")));

        reopen();
        assertEquals(MERGE_EDGES, store.lineage("fam"));
        assertEquals("b", store.model("m").orElseThrow().parentId());
        assertEquals(0.75, store.model("m").orElseThrow().confidence());
    }

    @Test
    void everyEdgeKindAndWeightRoundTrips() {
        ChangeSet.Builder b = ChangeSet.builder().insertModel(model("r", "root")).putFamily("fam", "h", "r");
        List<LineageEdge> edges = new ArrayList<>();
        EdgeKind[] kinds = EdgeKind.values();
        for (int i = 0; i < kinds.length; i++) {
            String child = "c" + i;
            b.insertModel(model(child, child));
            edges.add(new LineageEdge("r", child, 0.125 * (i + 1), kinds[i], 1.0 / (i + 1)));
        }
        store.apply(b.replaceLineage("fam", edges).build());
        assertEquals(edges, store.lineage("fam"));
        reopen();
        assertEquals(edges, store.lineage("fam"));
        assertEquals(Set.of(EdgeKind.values()), store.lineage("fam").stream().map(LineageEdge::kind)
                .collect(Collectors.toSet()));
        assertEquals(1.0 / 6, store.lineage("fam").get(5).weight());
    }

    @Test
    void aMergesMainParentIsTheHeaviestThenTheMostConfidentThenTheSmallerId() {
        store.apply(ChangeSet.builder()
                .insertModel(model("p", "p")).insertModel(model("q", "q")).insertModel(model("s", "s"))
                .insertModel(model("m", "m")).putFamily("fam", "h", null)
                .replaceLineage("fam", List.of(new LineageEdge("q", "m", 0.5, EdgeKind.MERGE, 0.5),
                        new LineageEdge("s", "m", 0.75, EdgeKind.MERGE, 0.5)))
                .build());
        assertEquals("s", store.model("m").orElseThrow().parentId(), "equal weights: the more confident");
        assertEquals(0.75, store.model("m").orElseThrow().confidence());
        store.apply(ChangeSet.builder().replaceLineage("fam", List.of(
                new LineageEdge("s", "m", 0.5, EdgeKind.MERGE, 0.25), new LineageEdge("q", "m", 0.5, EdgeKind.MERGE, 0.25),
                new LineageEdge("p", "m", 0.5, EdgeKind.MERGE, 0.25))).build());
        assertEquals("p", store.model("m").orElseThrow().parentId(), "equal weights and confidences: the smaller id");
        assertEquals(3, store.lineage("fam").size());
        // replacing the merge by one parent leaves no edge of the merge behind
        store.apply(ChangeSet.builder().replaceLineage("fam", List.of(new LineageEdge("q", "m", 0.625, EdgeKind.FINE_TUNE)))
                .build());
        assertEquals(List.of(new LineageEdge("q", "m", 0.625, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        assertEquals("q", store.model("m").orElseThrow().parentId());
        assertEquals(0.625, store.model("m").orElseThrow().confidence());
    }

    @Test
    void deletingAMergeParentLeavesTheOtherParentAsTheMainOne() {
        aMerge();
        assertTrue(store.deleteModel("b"));
        assertEquals(List.of(new LineageEdge("a", "m", 0.95, EdgeKind.MERGE, 0.4),
                new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        Model m = store.model("m").orElseThrow();
        assertEquals("a", m.parentId());
        assertEquals(0.95, m.confidence());
        assertEquals(List.of("m"), ids(store.children("a")));

        assertTrue(store.deleteModel("a"));
        assertEquals(List.of(), store.lineage("fam"));
        assertNull(store.model("m").orElseThrow().parentId());
        assertNull(store.model("m").orElseThrow().confidence());

        reopen();
        assertNull(store.model("m").orElseThrow().parentId());
        assertEquals(List.of(), store.lineage("fam"));
    }

    @Test
    void deletingAMergedModelRemovesEveryEdgeIntoIt() {
        aMerge();
        assertTrue(store.deleteModel("m"));
        assertEquals(MERGE_EDGES.subList(2, 4), store.lineage("fam"));
        assertEquals(List.of(), ids(store.children("b")));
    }

    @Test
    void aMergedModelMovingToAnotherFamilyLeavesItsEdgesBehind() {
        aMerge();
        store.apply(ChangeSet.builder().insertModel(model("n", "n")).putFamily("other", "h", "n")
                .replaceLineage("other", List.of(new LineageEdge("n", "m", 0.5, EdgeKind.ADAPTER))).build());
        assertEquals(MERGE_EDGES.subList(2, 4), store.lineage("fam"));
        assertEquals(List.of(new LineageEdge("n", "m", 0.5, EdgeKind.ADAPTER)), store.lineage("other"));
        assertEquals("n", store.model("m").orElseThrow().parentId());
        assertEquals("other", store.model("m").orElseThrow().familyId());
    }

    @Test
    void deletingAFamilyRemovesEveryEdgeOfItsMerges() {
        aMerge();
        store.apply(ChangeSet.builder().deleteFamily("fam").build());
        assertEquals(List.of(), store.lineage("fam"));
        assertNull(store.model("m").orElseThrow().parentId());
        reopen();
        assertEquals(List.of(), store.lineage("fam"));
    }

    @Test
    void deleteFamilyKeepsItsModelsWithoutLineage() {
        threeGenerations();
        store.apply(ChangeSet.builder().deleteFamily("fam").build());
        assertEquals(Optional.empty(), store.family("fam"));
        assertEquals(List.of(), store.lineage("fam"));
        Model c = store.model("c").orElseThrow();
        assertNull(c.familyId());
        assertNull(c.parentId());
        assertNull(c.confidence());
        assertEquals(List.of(), store.children("r"));
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().deleteFamily("fam").build()));
    }

    @Test
    void aBlobIsDeletedOnlyWhenNoModelListsItAndOnAStoreProcessesShareNoProcessHoldsIt() throws Exception {
        String sha = sha("file:m");
        java.util.concurrent.atomic.AtomicInteger deletions = new java.util.concurrent.atomic.AtomicInteger();
        store.insertModel(TestModels.model("m", "m"));
        assertFalse(store.deleteBlobIfUnused(sha, deletions::incrementAndGet), "a model lists it");
        store.deleteModel("m");
        if (store.sharedByProcesses()) {
            store.holdBlob(sha, "upload-1");
            store.holdBlob(sha, "upload-2");
            store.holdBlob(sha, "upload-1"); // again: refreshes, one hold
            assertFalse(store.deleteBlobIfUnused(sha, deletions::incrementAndGet), "two uploads hold it");
            store.releaseBlob(sha, "upload-1");
            assertFalse(store.deleteBlobIfUnused(sha, deletions::incrementAndGet), "one upload holds it");
            store.releaseBlob(sha, "upload-2");
            store.releaseBlob(sha, "upload-2"); // nothing left to release
        }
        assertEquals(0, deletions.get());
        assertTrue(store.deleteBlobIfUnused(sha, deletions::incrementAndGet));
        assertEquals(1, deletions.get());
        java.io.IOException failed = new java.io.IOException("blob store down");
        assertSame(failed, assertThrows(java.io.IOException.class, () -> store.deleteBlobIfUnused(sha, () -> {
            throw failed;
        })), "the blob store's failure reaches the caller");
    }

    @Test
    void deletingAModelRemovesWhatHangsOffIt() {
        threeGenerations();
        store.apply(ChangeSet.builder()
                .putDistance("a", "c", "l2", 1.5).putDistance("r", "b", "l2", 2.5)
                .putStatistics("a", "v1", new byte[] {9}).putStatistics("b", "v1", new byte[] {8})
                .enqueueJob("a", T0).enqueueJob("b", T0)
                .putFamily("fam", "h", "a")
                .build());
        assertTrue(store.blobReferenced(sha("file:a")));
        assertTrue(store.deleteModel("a"));

        assertEquals(Optional.empty(), store.model("a"));
        assertFalse(store.blobReferenced(sha("file:a")));
        assertEquals(List.of(new LineageEdge("r", "b", 0.8, EdgeKind.FINE_TUNE)), store.lineage("fam"));
        Model c = store.model("c").orElseThrow();
        assertNull(c.parentId());
        assertNull(c.confidence());
        assertEquals("fam", c.familyId());
        assertEquals(OptionalDouble.empty(), store.distance("a", "c", "l2"));
        assertEquals(OptionalDouble.of(2.5), store.distance("r", "b", "l2"));
        assertEquals(Optional.empty(), store.statistics("a", "v1"));
        assertArrayEquals(new byte[] {8}, store.statistics("b", "v1").orElseThrow());
        assertEquals(Optional.empty(), store.job("a"));
        assertTrue(store.job("b").isPresent());
        Family fam = store.family("fam").orElseThrow();
        assertNull(fam.rootModelId());
        assertEquals(3, fam.memberCount());
        assertFalse(store.deleteModel("a"));
        assertEquals(3, store.totals().models());
    }

    // ------------------------------------------------------------------ caches

    @Test
    void distancesAreSymmetricPerMetric() {
        ChangeSet.Builder b = ChangeSet.builder();
        for (String id : List.of("a", "b", "c", "d")) {
            b.insertModel(model(id, id));
        }
        store.apply(b.putDistance("b", "a", "l2", 0.25).putDistance("a", "b", "cos", 0.75)
                .putDistance("a", "c", "l2", 1.25).putDistance("c", "d", "l2", 3.0).build());
        assertEquals(OptionalDouble.of(0.25), store.distance("a", "b", "l2"));
        assertEquals(OptionalDouble.of(0.25), store.distance("b", "a", "l2"));
        assertEquals(OptionalDouble.of(0.75), store.distance("b", "a", "cos"));
        assertEquals(OptionalDouble.empty(), store.distance("b", "c", "l2"));
        assertEquals(OptionalDouble.empty(), store.distance("a", "b", "kl"));

        store.apply(ChangeSet.builder().putDistance("a", "b", "l2", 0.5).build());
        assertEquals(OptionalDouble.of(0.5), store.distance("b", "a", "l2"));

        Set<PairDistance> among = new HashSet<>(store.distances(List.of("a", "b", "c"), "l2"));
        assertEquals(Set.of(new PairDistance("a", "b", "l2", 0.5), new PairDistance("a", "c", "l2", 1.25)), among);
        assertEquals(List.of(), store.distances(List.of("a"), "l2"));
        assertEquals(List.of(), store.distances(List.of(), "l2"));
        assertThrows(NoSuchRecordException.class,
                () -> store.apply(ChangeSet.builder().putDistance("a", "ghost", "l2", 1).build()));
    }

    @Test
    void distancesAmongManyModels() {
        ChangeSet.Builder b = ChangeSet.builder();
        int n = 120;
        for (int i = 0; i < n; i++) {
            b.insertModel(model("m" + i, "m" + i));
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j += 7) {
                b.putDistance("m" + i, "m" + j, "l2", i * 1000 + j);
            }
        }
        store.apply(b.build());
        List<String> some = IntStream.range(0, n).filter(i -> i % 2 == 0).mapToObj(i -> "m" + i).toList();
        Set<PairDistance> expected = new HashSet<>();
        for (int i = 0; i < n; i += 2) {
            for (int j = i + 1; j < n; j += 7) {
                if (j % 2 == 0) {
                    expected.add(PairDistance.symmetric("m" + i, "m" + j, "l2", i * 1000 + j));
                }
            }
        }
        assertEquals(expected, new HashSet<>(store.distances(some, "l2")));
    }

    @Test
    void distancesInvolvingSomeModelsAmongAGroup() {
        for (String id : List.of("a", "b", "c", "d", "e")) {
            store.insertModel(model(id, id));
        }
        ChangeSet.Builder put = ChangeSet.builder();
        for (String[] p : new String[][] {{"a", "b"}, {"a", "c"}, {"b", "c"}, {"c", "d"}, {"d", "e"}, {"b", "e"}}) {
            put.putDistance(p[0], p[1], "l2", p[0].charAt(0) * 10 + p[1].charAt(0));
        }
        put.putDistance("a", "c", "cos", 0.5);
        store.apply(put.build());
        java.util.function.Function<List<PairDistance>, Set<String>> pairs = rows -> {
            Set<String> out = new HashSet<>();
            rows.forEach(d -> out.add(d.modelA() + d.modelB() + "=" + d.value()));
            return out;
        };
        // c's values with a, b and d (not e), on either side of the pair, of l2 only
        assertEquals(Set.of("ac=1069.0", "bc=1079.0", "cd=1090.0"),
                pairs.apply(store.distancesInvolving(List.of("c"), List.of("a", "b", "c", "d"), "l2")));
        assertEquals(Set.of("ac=1069.0", "bc=1079.0", "ab=1068.0"),
                pairs.apply(store.distancesInvolving(List.of("c", "a", "c"), List.of("a", "b", "c"), "l2")));
        assertEquals(Set.of(), pairs.apply(store.distancesInvolving(List.of("e"), List.of("a", "b", "c"), "l2")));
        assertEquals(Set.of("ac=0.5"), pairs.apply(store.distancesInvolving(List.of("c"), List.of("a", "c"), "cos")));
    }

    @Test
    void statisticsRoundTripByVersion() {
        store.insertModel(model("m", "m"));
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] big = TestModels.bytes(300_000, 7);
        store.apply(ChangeSet.builder().putStatistics("m", "v1", every).putStatistics("m", "v2", big)
                .putStatistics("m", "empty", new byte[0]).build());
        assertArrayEquals(every, store.statistics("m", "v1").orElseThrow());
        assertArrayEquals(big, store.statistics("m", "v2").orElseThrow());
        assertArrayEquals(new byte[0], store.statistics("m", "empty").orElseThrow());
        assertEquals(Optional.empty(), store.statistics("m", "v3"));
        store.insertModel(model("n", "n"));
        store.apply(ChangeSet.builder().putStatistics("n", "v1", new byte[] {9}).putStatistics("n", "v2", new byte[] {8}).build());
        Map<String, byte[]> both = store.statistics(List.of("m", "n", "m", "absent"), "v1");
        assertEquals(Set.of("m", "n"), both.keySet(), "one read of several models, absent ones left out");
        assertArrayEquals(every, both.get("m"));
        assertArrayEquals(new byte[] {9}, both.get("n"));
        assertArrayEquals(big, store.statistics(List.of("m"), "v2").get("m"));
        assertEquals(Map.of(), store.statistics(List.of("m", "n"), "v3"));
        store.apply(ChangeSet.builder().putStatistics("m", "v1", new byte[] {1, 2, 3}).build());
        assertArrayEquals(new byte[] {1, 2, 3}, store.statistics("m", "v1").orElseThrow());
        assertThrows(NoSuchRecordException.class,
                () -> store.apply(ChangeSet.builder().putStatistics("ghost", "v1", new byte[1]).build()));
    }

    // ------------------------------------------------------------------ jobs

    @Test
    void jobsAreClaimedOldestFirstAndRequeuedAfterACrash() {
        ChangeSet.Builder b = ChangeSet.builder();
        for (String id : List.of("j1", "j2", "j3")) {
            b.insertModel(model(id, id));
        }
        store.apply(b.enqueueJob("j2", T0.plusSeconds(2)).enqueueJob("j1", T0.plusSeconds(1))
                .enqueueJob("j3", T0.plusSeconds(3)).build());
        assertEquals(List.of("j1", "j2", "j3"), store.jobs(JobState.QUEUED).stream().map(Job::modelId).toList());
        assertEquals(new Job("j1", JobState.QUEUED, 0, T0.plusSeconds(1), null, null, null), store.job("j1").orElseThrow());

        Job first = store.claimNextJob().orElseThrow();
        assertEquals("j1", first.modelId());
        assertEquals(JobState.RUNNING, first.state());
        assertEquals(1, first.attempts());
        assertTrue(first.startedAt() != null);
        assertEquals(first, store.job("j1").orElseThrow());
        assertEquals(ModelStatus.PROCESSING, store.model("j1").orElseThrow().status());

        store.apply(ChangeSet.builder().finishJob("j1", JobState.DONE, null, T0.plusSeconds(10))
                .updateStatus("j1", ModelStatus.READY, null, T0.plusSeconds(10)).build());
        Job done = store.job("j1").orElseThrow();
        assertEquals(JobState.DONE, done.state());
        assertEquals(T0.plusSeconds(10), done.finishedAt());

        assertEquals("j2", store.claimNextJob().orElseThrow().modelId());
        assertEquals(1, store.requeueInterruptedJobs());
        Job requeued = store.job("j2").orElseThrow();
        assertEquals(JobState.QUEUED, requeued.state());
        assertEquals(ModelStatus.PENDING, store.model("j2").orElseThrow().status());
        assertEquals(ModelStatus.READY, store.model("j1").orElseThrow().status());
        assertEquals(0, store.requeueInterruptedJobs());

        Job again = store.claimNextJob().orElseThrow();
        assertEquals("j2", again.modelId());
        assertEquals(2, again.attempts());
        store.apply(ChangeSet.builder().finishJob("j2", JobState.FAILED, "boom", T0.plusSeconds(20)).build());
        assertEquals("boom", store.job("j2").orElseThrow().lastError());
        assertEquals(List.of("j2"), store.jobs(JobState.FAILED).stream().map(Job::modelId).toList());

        assertEquals("j3", store.claimNextJob().orElseThrow().modelId());
        assertEquals(Optional.empty(), store.claimNextJob());

        store.apply(ChangeSet.builder().enqueueJob("j2", T0.plusSeconds(30)).build());
        Job retry = store.job("j2").orElseThrow();
        assertEquals(new Job("j2", JobState.QUEUED, 2, T0.plusSeconds(30), null, null, "boom"), retry);
        assertThrows(NoSuchRecordException.class, () -> store.apply(
                ChangeSet.builder().finishJob("nope", JobState.DONE, null, T0).build()));
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.builder().enqueueJob("nope", T0).build()));
    }

    @Test
    void jobsClaimedUnderALeaseAreTakenOverOnlyWhenTheLeaseHasRunOut() {
        store.apply(ChangeSet.builder().insertModel(model("k1", "k1")).insertModel(model("k2", "k2"))
                .enqueueJob("k1", T0.plusSeconds(1)).enqueueJob("k2", T0.plusSeconds(2)).build());
        // a lease that has already run out: its worker is as good as dead
        Job dying = store.claimNextJob("w1", java.time.Duration.ofSeconds(-5)).orElseThrow();
        assertEquals("k1", dying.modelId());
        if (!store.sharedByProcesses() && dying.owner() == null) {
            // a store one process owns ignores leases: nobody else could take a job over, and
            // what a crash interrupted is requeued when the store is opened again
            assertEquals("k2", store.claimNextJob("w2", java.time.Duration.ofMinutes(1)).orElseThrow().modelId());
            assertEquals(Optional.empty(), store.claimNextJob("w3", java.time.Duration.ofMinutes(1)));
            assertEquals(2, store.requeueInterruptedJobs());
            return;
        }
        assertEquals("w1", dying.owner());
        assertTrue(dying.leaseUntil().isBefore(java.time.Instant.now()));

        Job takenOver = store.claimNextJob("w2", java.time.Duration.ofMinutes(1)).orElseThrow();
        assertEquals("k1", takenOver.modelId(), "the oldest job first, even one taken over");
        assertEquals("w2", takenOver.owner());
        assertEquals(2, takenOver.attempts());
        assertEquals(ModelStatus.PROCESSING, store.model("k1").orElseThrow().status());
        assertEquals(0, store.renewLeases("w1", java.time.Duration.ofMinutes(1)), "w1 holds nothing any more");

        Job second = store.claimNextJob("w3", java.time.Duration.ofMinutes(1)).orElseThrow();
        assertEquals("k2", second.modelId());
        assertEquals(Optional.empty(), store.claimNextJob("w4", java.time.Duration.ofMinutes(1)),
                "leases that have not run out are not taken over");
        java.time.Instant before = store.job("k2").orElseThrow().leaseUntil();
        assertEquals(1, store.renewLeases("w3", java.time.Duration.ofMinutes(10)));
        assertTrue(store.job("k2").orElseThrow().leaseUntil().isAfter(before));

        if (store.sharedByProcesses()) {
            assertEquals(0, store.requeueInterruptedJobs(), "live leases belong to live workers");
        } else {
            assertEquals(2, store.requeueInterruptedJobs(), "the owner reopening: every RUNNING job was interrupted");
        }
        store.apply(ChangeSet.builder().finishJob("k1", JobState.DONE, null, T0.plusSeconds(9)).build());
        Job done = store.job("k1").orElseThrow();
        assertEquals(JobState.DONE, done.state());
        assertEquals(null, done.owner(), "a finished job has no owner");
    }

    // ------------------------------------------------------------------ totals

    @Test
    void totalsCountByStatusAndFormat() {
        LakeTotals empty = store.totals();
        assertEquals(0, empty.models());
        assertEquals(0L, empty.modelsByStatus().get(ModelStatus.READY));
        assertNull(empty.lastUploadAt());
        assertEquals(Map.of(), empty.modelsByFormat());

        store.apply(ChangeSet.builder()
                .insertModel(model("a", "a").toBuilder().format("safetensors").parameterCount(100L)
                        .status(ModelStatus.READY).createdAt(T0.plusSeconds(5)).build())
                .insertModel(model("b", "b").toBuilder().format("safetensors").parameterCount(23L)
                        .status(ModelStatus.READY).createdAt(T0.plusSeconds(9)).build())
                .insertModel(model("c", "c").toBuilder().format("pytorch-zip").status(ModelStatus.FAILED).build())
                .insertModel(model("d", "d"))
                .putFamily("f", "h", null)
                .build());
        LakeTotals t = store.totals();
        assertEquals(4, t.models());
        assertEquals(1, t.families());
        assertEquals(Map.of(ModelStatus.PENDING, 1L, ModelStatus.PROCESSING, 0L, ModelStatus.READY, 2L,
                ModelStatus.FAILED, 1L), t.modelsByStatus());
        assertEquals(Map.of("safetensors", 2L, "pytorch-zip", 1L, LakeTotals.UNKNOWN_FORMAT, 1L), t.modelsByFormat());
        assertEquals(123L, t.totalParameters());
        assertEquals(T0.plusSeconds(9), t.lastUploadAt());

        assertThrows(DuplicateChecksumException.class, () -> store.apply(ChangeSet.builder().deleteModel("b")
                .insertModel(model("e", "e").toBuilder().checksum(sha("model:a")).build()).build()));
        assertEquals(t, store.totals());
        store.apply(ChangeSet.builder().deleteModel("b")
                .updateModel(model("d", "d").toBuilder().format("pytorch-zip").parameterCount(7L).build())
                .updateStatus("c", ModelStatus.READY, null, T0).build());
        LakeTotals after = store.totals();
        assertEquals(3, after.models());
        assertEquals(Map.of(ModelStatus.PENDING, 1L, ModelStatus.PROCESSING, 0L, ModelStatus.READY, 2L,
                ModelStatus.FAILED, 0L), after.modelsByStatus());
        assertEquals(Map.of("safetensors", 1L, "pytorch-zip", 2L), after.modelsByFormat());
        assertEquals(107L, after.totalParameters());
        assertEquals(T0.plusSeconds(5), after.lastUploadAt());
    }

    @Test
    void statsAggregateUploadsFamiliesAndEdges() {
        LakeStats empty = store.stats(10);
        assertEquals(List.of(), empty.uploadsByDay());
        assertEquals(Map.of(), empty.familySizes());
        assertEquals(List.of(), empty.largestFamilies());
        assertEquals(0L, empty.edgesByKind().get(EdgeKind.MERGE));
        assertEquals(java.util.Collections.nCopies(10, 0L), empty.edgeConfidence());
        assertEquals(0, empty.pending() + empty.processing() + empty.totalBytes() + empty.totalParameters());

        java.time.Instant day2 = T0.plus(java.time.Duration.ofDays(1)).plusSeconds(3600);
        store.apply(ChangeSet.builder()
                .insertModel(model("r", "root").toBuilder().format("safetensors").parameterCount(100L)
                        .status(ModelStatus.READY).build())
                .insertModel(model("a", "a").toBuilder().format("safetensors").parameterCount(100L)
                        .status(ModelStatus.READY).build())
                .insertModel(model("b", "b").toBuilder().format("pytorch-zip").parameterCount(50L)
                        .status(ModelStatus.READY).createdAt(day2).build())
                .insertModel(model("c", "c").toBuilder().status(ModelStatus.PROCESSING).createdAt(day2).build())
                .insertModel(model("d", "d").toBuilder().createdAt(day2.plusSeconds(60)).build())
                .insertModel(model("x", "x").toBuilder().format("safetensors").parameterCount(7L)
                        .status(ModelStatus.READY).build())
                .insertModel(model("y", "y").toBuilder().format("safetensors").parameterCount(7L)
                        .status(ModelStatus.READY).build())
                .putFamily("fam", "h", "r").putFamily("gam", "g", null).putFamily("empty", "e", null)
                .replaceLineage("fam", List.of(
                        new LineageEdge("r", "a", 0.95, EdgeKind.FINE_TUNE),
                        new LineageEdge("r", "b", 0.3, EdgeKind.QUANTIZED),
                        new LineageEdge("a", "b", 0.05, EdgeKind.MERGE, 0.5),
                        new LineageEdge("r", "c", 1.0, EdgeKind.DUPLICATE)))
                .replaceLineage("gam", List.of(new LineageEdge("x", "y", 0.1, EdgeKind.FINE_TUNE)))
                .build());

        LakeStats s = store.stats(10);
        LocalDate first = LocalDate.of(2025, 1, 1);
        assertEquals(List.of(
                new LakeStats.DailyUploads(first, Map.of(ModelStatus.READY, 4L)),
                new LakeStats.DailyUploads(first.plusDays(1), Map.of(ModelStatus.READY, 1L,
                        ModelStatus.PROCESSING, 1L, ModelStatus.PENDING, 1L))), s.uploadsByDay());
        assertEquals(Map.of("safetensors", 4L, "pytorch-zip", 1L, LakeTotals.UNKNOWN_FORMAT, 2L), s.modelsByFormat());
        assertEquals(264L, s.totalParameters());
        assertEquals(7000L, s.totalBytes());
        assertEquals(Map.of(4L, 1L, 2L, 1L), s.familySizes());
        assertEquals(List.of(new LakeStats.FamilySize("fam", "r", "root", 4, 250, 4000),
                new LakeStats.FamilySize("gam", null, null, 2, 14, 2000)), s.largestFamilies());
        assertEquals(List.of(new LakeStats.FamilySize("fam", "r", "root", 4, 250, 4000)),
                store.stats(1).largestFamilies());
        assertEquals(Map.of(EdgeKind.FINE_TUNE, 2L, EdgeKind.DUPLICATE, 1L, EdgeKind.QUANTIZED, 1L,
                EdgeKind.ADAPTER, 0L, EdgeKind.RESIZE, 0L, EdgeKind.MERGE, 1L), s.edgesByKind());
        assertEquals(List.of(1L, 1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 2L), s.edgeConfidence());
        assertEquals(1, s.pending());
        assertEquals(1, s.processing());
        assertEquals(s, store.stats(10));
    }

    @Test
    void blobReferencesFollowModelFiles() {
        store.insertModel(full("m", "m", null, null).toBuilder().structuralHash(null).build());
        assertTrue(store.blobReferenced(sha("s1:m")));
        assertTrue(store.blobReferenced(sha("ix:m")));
        assertFalse(store.blobReferenced(sha("other")));
        store.updateModel(store.model("m").orElseThrow().toBuilder().files(List.of()).build());
        assertFalse(store.blobReferenced(sha("s1:m")));
    }

    @Test
    void everythingSurvivesReopening() {
        threeGenerations();
        store.apply(ChangeSet.builder().putDistance("a", "b", "l2", 0.125).putStatistics("c", "v", new byte[] {7, 7})
                .enqueueJob("b", T0).build());
        Page<Model> before = store.searchModels(ModelQuery.all());
        LakeTotals totals = store.totals();
        reopen();
        assertEquals(before, store.searchModels(ModelQuery.all()));
        assertEquals(totals, store.totals());
        assertEquals(3, store.lineage("fam").size());
        assertEquals(OptionalDouble.of(0.125), store.distance("b", "a", "l2"));
        assertArrayEquals(new byte[] {7, 7}, store.statistics("c", "v").orElseThrow());
        assertEquals(JobState.QUEUED, store.job("b").orElseThrow().state());
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    @Timeout(120)
    void concurrentWritersLoseAndDuplicateNothing() throws Exception {
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        String id = "t" + thread + "-" + i;
                        store.apply(ChangeSet.builder().insertModel(model(id, "model " + id))
                                .enqueueJob(id, T0.plusMillis(i)).build());
                        if (i % 10 == 0) {
                            store.searchModels(ModelQuery.all().withNameContaining("t" + thread));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
            int n = threads * perThread;
            Page<Model> all = store.searchModels(ModelQuery.all().page(0, n + 10));
            assertEquals(n, all.total());
            assertEquals(n, new HashSet<>(ids(all.items())).size());
            assertEquals(n, store.totals().models());
            assertEquals(n, store.jobs(JobState.QUEUED).size());

            // Every job is claimed exactly once, however many claim at once.
            Set<String> claimed = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            futures.clear();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Optional<Job> job;
                    while ((job = store.claimNextJob()).isPresent()) {
                        if (!claimed.add(job.get().modelId())) {
                            duplicates.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            assertEquals(0, duplicates.get());
            assertEquals(n, claimed.size());
            assertEquals(n, store.jobs(JobState.RUNNING).size());
            assertEquals((long) n, store.totals().modelsByStatus().get(ModelStatus.PROCESSING));

            // The same bytes uploaded by eight threads at once: exactly one model.
            List<Future<String>> racers = new ArrayList<>();
            CountDownLatch race = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                racers.add(pool.submit(() -> {
                    race.await();
                    try {
                        store.insertModel(model("dup" + thread, "dup").toBuilder().checksum(sha("same bytes")).build());
                        return "dup" + thread;
                    } catch (DuplicateChecksumException e) {
                        return "lost to " + e.existingModelId();
                    }
                }));
            }
            race.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : racers) {
                outcomes.add(f.get());
            }
            List<String> winners = outcomes.stream().filter(s -> !s.startsWith("lost")).toList();
            assertEquals(1, winners.size(), outcomes.toString());
            assertEquals(Collections.nCopies(threads - 1, "lost to " + winners.get(0)),
                    outcomes.stream().filter(s -> s.startsWith("lost")).toList());
            assertEquals(winners.get(0), store.modelByChecksum(sha("same bytes")).orElseThrow().id());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ crash

    @Test
    @Timeout(180)
    void aCrashMidWriteLeavesEachChangeSetWholeOrAbsent() throws Exception {
        store.close();
        store = null;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int cycle = 0; cycle < 3; cycle++) {
            int[] acknowledged = killWriterAfter(10 + cycle * 4, random);
            try (MetadataStore reopened = Stores.openMetadata(uri, options())) {
                for (int t = 0; t < CrashWriter.THREADS; t++) {
                    int committed = CrashWriter.committed(reopened, t);
                    assertTrue(committed >= acknowledged[t], "seed " + seed + ", thread " + t + ": batch " + acknowledged[t] + " was acknowledged but only " + committed + " is stored");
                }
                checkCrashState(reopened);
            }
        }
        store = Stores.openMetadata(uri, options());
    }

    /**
     * Runs a CrashWriter and kills it (SIGKILL) once it has acknowledged {@code batches} batches, at a
     * random moment within the next two batch intervals: acknowledgments are lined up with batch
     * boundaries, so killing right on one would rarely land inside a change set. The delay is the
     * test's random input, not a wait for anything; every kill moment must leave a consistent store.
     * Returns the last acknowledged batch of each thread.
     */
    private int[] killWriterAfter(int batches, Random random) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), CrashWriter.class.getName(), uri.toString()));
        options().forEach((k, v) -> cmd.add(k + "=" + v));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        int[] last = new int[CrashWriter.THREADS];
        Arrays.fill(last, -1);
        int seen = 0;
        long firstAt = 0;
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (seen < batches && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    String[] parts = line.split(" ");
                    last[Integer.parseInt(parts[1])] = Integer.parseInt(parts[2]);
                    if (seen++ == 0) {
                        firstAt = System.nanoTime();
                    }
                } else if (log.length() < 20_000) {
                    log.append(line).append('\n');
                }
            }
            if (seen == batches) {
                long intervalNanos = (System.nanoTime() - firstAt) / Math.max(1, batches - 1);
                long killAfterMicros = (long) (random.nextDouble() * 2 * intervalNanos / 1000);
                assertFalse(child.waitFor(killAfterMicros, TimeUnit.MICROSECONDS), "the crash writer exited:\n" + log);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        if (seen < batches) {
            fail("the crash writer stopped after " + seen + " batches:\n" + log);
        }
        return last;
    }

    /** Checks that each thread's batches up to its marker are stored, each whole, and nothing else. */
    private static void checkCrashState(MetadataStore s) {
        int present = 0;
        for (int t = 0; t < CrashWriter.THREADS; t++) {
            int committed = CrashWriter.committed(s, t);
            for (int g = 0; g <= committed + 3; g++) {
                boolean expected = g <= committed && !(g % 2 == 0 && g + 1 <= committed);
                String a = CrashWriter.id(t, g, "a");
                String family = CrashWriter.family(t, g);
                if (expected) {
                    present++;
                    for (Model m : CrashWriter.group(t, g)) {
                        Model stored = s.model(m.id()).orElseThrow(() -> new AssertionError("missing " + m.id()));
                        assertEquals(m.files(), stored.files());
                        assertEquals(m.name(), stored.name());
                        assertEquals(family, stored.familyId());
                    }
                    assertEquals(Optional.of(new Family(family, "struct-" + g, 3, a)), s.family(family));
                    assertEquals(new HashSet<>(CrashWriter.edges(t, g)), new HashSet<>(s.lineage(family)));
                    assertEquals(a, s.model(CrashWriter.id(t, g, "c")).orElseThrow().parentId());
                    assertEquals(OptionalDouble.of(g + 0.5), s.distance(a, CrashWriter.id(t, g, "b"), "l2"));
                    assertArrayEquals(CrashWriter.statistics(t, g), s.statistics(a, "v1").orElseThrow());
                    assertEquals(JobState.QUEUED, s.job(a).orElseThrow().state());
                } else {
                    for (Model m : CrashWriter.group(t, g)) {
                        assertEquals(Optional.empty(), s.model(m.id()), "group " + t + "/" + g + " should be absent");
                    }
                    assertEquals(Optional.empty(), s.family(family));
                    assertEquals(List.of(), s.lineage(family));
                    assertEquals(Optional.empty(), s.statistics(a, "v1"));
                    assertEquals(Optional.empty(), s.job(a));
                }
            }
        }
        long markers = IntStream.range(0, CrashWriter.THREADS).filter(t -> s.model(CrashWriter.marker(t)).isPresent()).count();
        assertEquals(markers + 3L * present, s.totals().models());
        assertEquals(present, s.totals().families());
        assertEquals(present, s.jobs(JobState.QUEUED).size());
        assertEquals(markers + 3L * present, s.searchModels(ModelQuery.all().page(0, 0)).total());
        Set<String> groups = s.searchModels(ModelQuery.all().withNameContaining("group ").page(0, 100_000)).items()
                .stream().map(Model::id).collect(Collectors.toSet());
        assertEquals(3 * present, groups.size());
    }

    // ---------------------------------------------------------------- access: tokens and the audit log

    private static ApiToken token(String id, String secret, java.time.Instant expires) {
        return new ApiToken(id, "token " + id, "reader", sha(secret), T0, expires, null, "cli");
    }

    @Test
    void tokensRoundTripAreFoundByTheirHashAndRevokedOnce() {
        ApiToken a = token("tok-a", "secret a", T0.plusSeconds(3600));
        ApiToken b = new ApiToken("tok-b", "ci bot", "admin", sha("secret b"), T0.plusMillis(1), null, null, null);
        store.apply(ChangeSet.builder().putToken(b).putToken(a).build());
        assertEquals(List.of(a, b), store.tokens(), "oldest first");
        assertEquals(Optional.of(b), store.tokenBySecretHash(sha("secret b")));
        assertEquals(Optional.empty(), store.tokenBySecretHash(sha("nothing")));
        assertThrows(DuplicateIdException.class, () -> store.apply(ChangeSet.of(new Change.PutToken(
                token("tok-a", "another secret", null)))));
        assertThrows(DuplicateIdException.class, () -> store.apply(ChangeSet.of(new Change.PutToken(
                token("tok-c", "secret a", null)))), "a secret hash is unique");
        assertThrows(NoSuchRecordException.class, () -> store.apply(ChangeSet.of(
                new Change.RevokeToken("tok-none", T0))));

        store.apply(ChangeSet.of(new Change.RevokeToken("tok-a", T0.plusSeconds(10))));
        store.apply(ChangeSet.of(new Change.RevokeToken("tok-a", T0.plusSeconds(20))));
        reopen();
        ApiToken revoked = store.token("tok-a").orElseThrow();
        assertEquals(T0.plusSeconds(10), revoked.revokedAt(), "the first revocation stands");
        assertFalse(revoked.validAt(T0));
        assertTrue(store.token("tok-b").orElseThrow().validAt(T0.plusSeconds(1_000_000)));
        assertFalse(a.validAt(T0.plusSeconds(3600)), "expired at its expiry time");
    }

    @Test
    void theAuditLogPagesNewestFirstAndOutlivesWhatItMentions() {
        store.insertModel(model("m1", "one"));
        ChangeSet.Builder set = ChangeSet.builder();
        for (int i = 0; i < 5; i++) {
            // two entries per millisecond: the id breaks the tie
            set.appendAudit(new AuditEntry("e" + i, T0.plusMillis(i / 2), "tok-a", "model.upload", "m1", "127.0.0.1",
                    "entry " + i));
        }
        store.apply(set.build());
        store.deleteModel("m1");
        assertThrows(DuplicateIdException.class, () -> store.apply(ChangeSet.of(new Change.AppendAudit(
                new AuditEntry("e1", T0, "x", "y", null, "cli", null)))));
        reopen();
        Page<AuditEntry> first = store.audit(0, 2);
        assertEquals(5, first.total());
        assertEquals(List.of("e4", "e3"), first.items().stream().map(AuditEntry::id).toList());
        assertEquals(List.of("e2", "e1", "e0"), store.audit(2, 10).items().stream().map(AuditEntry::id).toList());
        assertEquals(List.of(), store.audit(5, 10).items());
        AuditEntry e0 = store.audit(4, 1).items().get(0);
        assertEquals(new AuditEntry("e0", T0, "tok-a", "model.upload", "m1", "127.0.0.1", "entry 0"), e0);
    }
}
