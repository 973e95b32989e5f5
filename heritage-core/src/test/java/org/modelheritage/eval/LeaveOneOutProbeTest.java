package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageIndex;
import org.modelheritage.lineage.LineageProbe;
import org.modelheritage.lineage.LineageTree;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SharedCorpus;

/**
 * Leave one out on every subset of the development corpus: an index holding every model but one,
 * and the one placed by {@link LineageProbe}. Since the probe runs the engine on the family the
 * model joins, its parents, kinds and children are those of the batch run over all the models
 * ({@code eval}): the true parent is named exactly as often as {@code eval} names it.
 * Signatures are read once per subset; each probe costs one family's tree.
 */
class LeaveOneOutProbeTest {

    @ParameterizedTest
    @ValueSource(strings = {"vit-ft", "mlp-ft", "vit-lora", "realistic/all"})
    void identifyingTheLeftOutModelAgreesWithTheBatchRun(String subset) throws IOException {
        GroundTruth truth = GroundTruth.read(SharedCorpus.subset(subset));
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, ModelSignature> signatures = new LinkedHashMap<>();
        Map<String, String> nameOf = new HashMap<>();
        for (GroundTruth.Model m : truth.models()) {
            try (WeightFile f = WeightReaders.open(m.path())) {
                ModelSignature s = extractor.extract(f);
                String id = LineageEvaluation.contentId(s);
                while (nameOf.containsKey(id)) {
                    id = id + "x";
                }
                signatures.put(id, s);
                nameOf.put(id, m.name());
            }
        }
        LineageIndex all = new LineageIndex();
        signatures.forEach(all::add);
        List<LineageTree> batch = all.trees();
        List<PairDistance> rows = all.pairwiseValues();

        int models = 0;
        int batchRight = 0;
        int probeRight = 0;
        int kindsAgree = 0;
        int duplicates = 0;
        Map<String, String> truthParent = parents(truth);
        for (String left : signatures.keySet()) {
            String name = nameOf.get(left);
            LineageTree full = batch.stream().filter(t -> t.members().contains(left)).findFirst().orElseThrow();
            Map<String, ModelSignature> rest = new LinkedHashMap<>(signatures);
            rest.remove(left);
            LineageIndex without = new LineageIndex();
            without.restore(rest, rows);
            // under its own id the tie-breaks are the batch run's: everything must be the same
            LineageProbe.Outcome o = LineageProbe.defaults().place(left, signatures.get(left), without.families(),
                    id -> without.signature(id).orElse(null), ids -> among(rows, ids));
            // under the lake's id a model that exactly duplicates another comes after it
            LineageProbe.Outcome asLake = LineageProbe.defaults().place(signatures.get(left), without.families(),
                    id -> without.signature(id).orElse(null), ids -> among(rows, ids));

            Set<String> batchParents = parentsOf(full, left);
            if (full.members().size() == 1) {
                assertTrue(o.placement() != LineageProbe.Placement.JOINS_FAMILY, name + " is alone in the batch run");
                continue;
            }
            assertEquals(LineageProbe.Placement.JOINS_FAMILY, o.placement(), name);
            assertEquals(LineageProbe.Placement.JOINS_FAMILY, asLake.placement(), name);
            assertNotNull(o.tree());
            Set<String> probeParents = parentsOf(o.tree(), left);
            assertEquals(names(batchParents, nameOf), names(probeParents, nameOf), name + ": parents");
            Map<String, EdgeKind> batchKinds = kinds(full, left);
            Map<String, EdgeKind> probeKinds = kinds(o.tree(), left);
            assertEquals(batchKinds, probeKinds, name + ": kinds");
            assertEquals(childrenOf(full, left), childrenOf(o.tree(), left), name + ": children");
            for (String p : probeParents) {
                LineageEdge probeEdge = o.tree().parentEdges(left).stream()
                        .filter(e -> e.parentId().equals(p)).findFirst().orElseThrow();
                LineageEdge batchEdge = full.parentEdges(left).stream()
                        .filter(e -> e.parentId().equals(p)).findFirst().orElseThrow();
                assertEquals(batchEdge.confidence(), probeEdge.confidence(), 1e-9, name + ": confidence");
                assertEquals(batchEdge.weight(), probeEdge.weight(), 1e-9, name + ": weight");
            }

            models++;
            String trueParent = truthParent.get(name);
            String batchMain = full.parentEdge(left).map(e -> nameOf.get(e.parentId())).orElse(null);
            String probeMain = asLake.tree().parentEdge(LineageProbe.CANDIDATE).map(e -> nameOf.get(e.parentId()))
                    .orElse(null);
            boolean duplicateTie = kinds(full, left).containsValue(EdgeKind.DUPLICATE)
                    || childrenOf(full, left).stream().anyMatch(c -> c.endsWith(":DUPLICATE"));
            if (duplicateTie) {
                duplicates++;
            }
            if (java.util.Objects.equals(trueParent, batchMain)) {
                batchRight++;
            }
            if (java.util.Objects.equals(trueParent, probeMain)) {
                probeRight++;
            }
            if (batchKinds.equals(kinds(asLake.tree(), LineageProbe.CANDIDATE))) {
                kindsAgree++;
            } else {
                assertTrue(duplicateTie, name + ": only which of two exact copies came first may differ");
            }
        }
        System.out.printf("leave-one-out %s: %d models in families, true parent named by eval %d, by identify %d"
                + " (%d in a pair of exact copies, whose first the weights cannot tell), kinds as eval's %d%n",
                subset, models, batchRight, probeRight, duplicates, kindsAgree);
        assertTrue(probeRight >= batchRight - duplicates, "identify names the true parent as often as eval");
        assertTrue(models >= truth.models().size() - 2, "most models have relatives: " + models);
    }

    private static Map<String, String> parents(GroundTruth truth) {
        Map<String, String> out = new HashMap<>();
        truth.models().forEach(m -> {
            if (m.parent() != null) {
                out.put(m.name(), m.parent());
            }
        });
        return out;
    }

    private static List<PairDistance> among(List<PairDistance> rows, Collection<String> ids) {
        Set<String> set = Set.copyOf(ids);
        List<PairDistance> out = new ArrayList<>();
        for (PairDistance r : rows) {
            if (set.contains(r.modelA()) && set.contains(r.modelB())) {
                out.add(r);
            }
        }
        return out;
    }

    private static Set<String> parentsOf(LineageTree t, String id) {
        return t.parentEdges(id).stream().map(LineageEdge::parentId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, EdgeKind> kinds(LineageTree t, String id) {
        Map<String, EdgeKind> out = new HashMap<>();
        t.parentEdges(id).forEach(e -> out.put(e.parentId(), e.kind()));
        return out;
    }

    private static Set<String> childrenOf(LineageTree t, String id) {
        return t.edges().stream().filter(e -> e.parentId().equals(id)).map(e -> e.childId() + ":" + e.kind())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> names(Set<String> ids, Map<String, String> nameOf) {
        return ids.stream().map(nameOf::get).collect(Collectors.toCollection(TreeSet::new));
    }
}
