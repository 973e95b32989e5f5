package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.testing.SyntheticModels;

/** The lake's adapter over LineageIndex: what an add or a remove reports, and a restore that recomputes nothing. */
class IncrementalLineageTest {
    final IncrementalLineage engine = new IncrementalLineage();
    final Map<String, LineageAdapter.Signature> signatures = new LinkedHashMap<>();
    /** Every distance handed out, as a store would keep it. */
    final Map<String, PairDistance> stored = new HashMap<>();

    LineageAdapter.Outcome add(String id, Map<String, float[]> weights, DType dtype) throws IOException {
        LineageAdapter.Signature s = engine.signature(SyntheticModels.file(weights, dtype));
        signatures.put(id, s);
        return keep(engine.add(id, s));
    }

    LineageAdapter.Outcome keep(LineageAdapter.Outcome o) {
        for (PairDistance d : o.newDistances()) {
            String key = d.modelA() + " " + d.modelB() + " " + d.metric();
            assertFalse(stored.containsKey(key), "handed out twice: " + key);
            stored.put(key, d);
        }
        return o;
    }

    static Set<Set<String>> members(LineageAdapter.Outcome o) {
        Set<Set<String>> out = new HashSet<>();
        o.families().forEach(f -> out.add(Set.copyOf(f.members())));
        return out;
    }

    static Set<String> edges(LineageAdapter.FamilyState f) {
        Set<String> out = new HashSet<>();
        f.edges().forEach(e -> out.add(e.parentId() + ">" + e.childId() + ":" + e.kind()));
        return out;
    }

    @Test
    void reportsOnlyWhatChangedAndRestoresWithoutRecomputing() throws IOException {
        Map<String, float[]> a = SyntheticModels.root(1);
        Map<String, float[]> b = SyntheticModels.root(2);
        Map<String, float[]> a1 = SyntheticModels.fineTune(a, 0.004, 3);

        LineageAdapter.Outcome first = add("a", a, DType.F32);
        assertEquals(Set.of(Set.of("a")), members(first));
        assertEquals("a", first.families().get(0).rootId());
        assertEquals(List.of(), first.newDistances(), "one model: no pairs");
        // a family is keyed by its architecture (canonical lineage-matrix names and shapes)
        assertEquals(ModelSignature.decode(signatures.get("a").statistics()).architecture(),
                first.families().get(0).structuralHash());
        assertEquals(IncrementalLineage.VERSION, signatures.get("a").statisticsVersion());

        LineageAdapter.Outcome second = add("b", b, DType.F32);
        assertEquals(Set.of(Set.of("b")), members(second), "a's family did not change and is not reported");
        assertEquals(List.of(new PairDistance("a", "b", IncrementalLineage.METRIC_PREFIX + "correlation",
                second.newDistances().get(0).value())), second.newDistances(), "only the correlation that split them");

        LineageAdapter.Outcome third = add("a1", a1, DType.F32);
        assertEquals(Set.of(Set.of("a", "a1")), members(third));
        assertEquals(Set.of("a>a1:FINE_TUNE"), edges(third.families().get(0)));
        Set<String> pairs = new HashSet<>();
        third.newDistances().forEach(d -> pairs.add(d.modelA() + "-" + d.modelB()));
        assertEquals(Set.of("a-a1", "a1-b"), pairs, "only pairs with the new model");
        assertTrue(engine.distanceMetrics().containsAll(third.newDistances().stream().map(PairDistance::metric).toList()));

        // An F16 copy of a1 is a duplicate of it, the finer copy its parent.
        LineageAdapter.Outcome fourth = add("a1-half", a1, DType.F16);
        assertEquals(Set.of(Set.of("a", "a1", "a1-half")), members(fourth));
        assertEquals(Set.of("a>a1:FINE_TUNE", "a1>a1-half:DUPLICATE"), edges(fourth.families().get(0)));

        // Removing a1 re-links its copy to a.
        LineageAdapter.Outcome removed = keep(engine.remove("a1"));
        assertFalse(engine.contains("a1"));
        assertEquals(Set.of(Set.of("a", "a1-half")), members(removed));
        LineageAdapter.FamilyState family = removed.families().get(0);
        assertEquals(Set.of("a>a1-half:FINE_TUNE"), edges(family));
        for (LineageEdge e : family.edges()) {
            assertTrue(e.confidence() >= 0 && e.confidence() <= 1);
        }
        signatures.remove("a1");
        stored.values().removeIf(d -> d.modelA().equals("a1") || d.modelB().equals("a1"));

        // A new engine restored from what a store would hold needs nothing recomputed ...
        IncrementalLineage reopened = new IncrementalLineage();
        Set<String> rejected = reopened.restore(signatures, new ArrayList<>(stored.values()));
        assertEquals(Set.of(), rejected);
        assertEquals(Set.of(), reopened.rowsNotHandedOut());
        assertEquals(Set.of("a", "a1-half", "b"), Set.copyOf(reopened.modelIds()));

        // ... and carries on reporting only the family that changes.
        LineageAdapter.Outcome later = reopened.add("a2", signatureOf(SyntheticModels.fineTune(a, 0.004, 5)));
        assertEquals(Set.of(Set.of("a", "a1-half", "a2")), members(later));
        assertEquals(EdgeKind.FINE_TUNE, later.families().get(0).edges().get(0).kind());
    }

    /**
     * A restore builds no tree of a family compared over all its pairs until its members change;
     * a family whose members come back to those restored (a model added, then removed) is reported
     * again, with the tree it has then.
     */
    @Test
    void aRestoredFamilyIsBuiltWhenItsMembersChangeEvenBackToTheRestoredOnes() throws IOException {
        Map<String, float[]> a = SyntheticModels.root(1);
        Map<String, float[]> b = SyntheticModels.fineTune(a, 0.004, 3);
        Map<String, float[]> c = SyntheticModels.fineTune(b, 0.004, 4);
        add("a", a, DType.F32);
        add("b", b, DType.F32);
        add("c", c, DType.F32);
        add("z", SyntheticModels.root(9), DType.F32);

        IncrementalLineage reopened = new IncrementalLineage();
        assertEquals(Set.of(), reopened.restore(signatures, new ArrayList<>(stored.values())));
        assertEquals(List.of(), List.copyOf(reopened.familyStates()), "no tree built by the restore");

        LineageAdapter.Outcome added = reopened.add("x", signatureOf(SyntheticModels.fineTune(b, 0.004, 5)));
        assertEquals(Set.of(Set.of("a", "b", "c", "x")), members(added), "z's family untouched: not built, not reported");
        assertEquals(Set.of("a>b:FINE_TUNE", "b>c:FINE_TUNE", "b>x:FINE_TUNE"), edges(added.families().get(0)));

        LineageAdapter.Outcome removed = reopened.remove("x");
        assertEquals(Set.of(Set.of("a", "b", "c")), members(removed), "the restored members again: reported");
        assertEquals(Set.of("a>b:FINE_TUNE", "b>c:FINE_TUNE"), edges(removed.families().get(0)));
    }

    LineageAdapter.Signature signatureOf(Map<String, float[]> weights) throws IOException {
        return engine.signature(SyntheticModels.file(weights));
    }

    @Test
    void statisticsOfAnotherVersionAreRejectedForReprocessing() throws IOException {
        LineageAdapter.Signature good = engine.signature(SyntheticModels.file(SyntheticModels.root(7)));
        LineageAdapter.Signature old = new LineageAdapter.Signature(1, 1, good.structuralHash(), "structure-v1", new byte[] {1, 2});
        LineageAdapter.Signature corrupt = new LineageAdapter.Signature(1, 1, good.structuralHash(), IncrementalLineage.VERSION,
                new byte[] {1, 2, 3});
        Map<String, LineageAdapter.Signature> models = new LinkedHashMap<>();
        models.put("good", good);
        models.put("old", old);
        models.put("corrupt", corrupt);
        IncrementalLineage fresh = new IncrementalLineage();
        assertEquals(Set.of("old", "corrupt"), fresh.restore(models, List.of()));
        assertEquals(List.of("good"), List.copyOf(fresh.modelIds()));
    }

    /** A merge reaches the store with one edge per parent, kinds and weights kept, and the tree's main parent. */
    @Test
    void aMergeIsPassedOnWithEveryParentAndTheTreesMainOne() {
        List<LineageEdge> treeEdges = List.of(
                new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "b", 0.8, EdgeKind.QUANTIZED),
                new LineageEdge("a", "m", 0.7, EdgeKind.MERGE, 0.5),
                new LineageEdge("b", "m", 0.6, EdgeKind.MERGE, 0.5),
                new LineageEdge("a", "n", 0.5, EdgeKind.MERGE, 0.3),
                new LineageEdge("b", "n", 0.4, EdgeKind.MERGE, 0.7),
                new LineageEdge("r", "q", 0.3, EdgeKind.ADAPTER),
                new LineageEdge("q", "z", 0.2, EdgeKind.RESIZE),
                new LineageEdge("z", "y", 1, EdgeKind.DUPLICATE));
        List<String> members = List.of("a", "b", "m", "n", "q", "r", "y", "z");
        org.modelheritage.lineage.LineageTree tree = new org.modelheritage.lineage.LineageTree(members, List.of("r"),
                treeEdges, false, org.modelheritage.lineage.DirectionMode.FINE_TUNING);
        LineageAdapter.FamilyState state = IncrementalLineage.state(
                new org.modelheritage.family.ModelCluster("hash", members), tree);

        assertEquals(treeEdges, state.edges());
        assertEquals("r", state.rootId());
        Map<String, LineageEdge> main = LineageEdge.mainEdges(state.edges());
        for (String child : List.of("a", "b", "m", "n", "q", "y", "z")) {
            LineageEdge expected = tree.parentEdge(child).orElseThrow();
            assertEquals(expected.parentId(), main.get(child).parentId(), child);
        }
        assertEquals("a", main.get("m").parentId(), "equal weights: the more confident");
        assertEquals("b", main.get("n").parentId(), "the heavier");
    }
}
