package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageGraph;
import org.modelheritage.server.TestWeights;

/**
 * The lake's reads of a merge: {@link ModelDetails} with every parent heaviest first and the main
 * one as {@code parent}, a merge's child seen from both parents with each edge's kind and weight,
 * and {@link FamilyTree} with both edges into the merge. The lineage is put in the store as given.
 */
class LakeMergeTest {
    @TempDir
    Path dir;

    @Test
    void detailsAndTreeCarryEveryParentWithKindAndWeight() throws Exception {
        Map<String, float[]> base = TestWeights.random(2, 16, 71);
        Map<String, float[]> c1 = TestWeights.child(base, 0.002, 72);
        Map<String, float[]> c2 = TestWeights.child(base, 0.002, 73);
        Map<String, Map<String, float[]>> weights = new LinkedHashMap<>();
        weights.put("base", base);
        weights.put("c1", c1);
        weights.put("c2", c2);
        weights.put("m", org.modelheritage.testing.SyntheticModels.merge(c1, 0.3, c2));
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkDir(dir.resolve("work")))) {
            Map<String, String> ids = new LinkedHashMap<>();
            for (var e : weights.entrySet()) {
                Path file = Files.write(dir.resolve(e.getKey() + ".safetensors"), TestWeights.safetensors(e.getValue()));
                ids.put(e.getKey(), lake.add(e.getKey(), null, List.of(file)).id());
            }
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            String familyId = lake.model(ids.get("m")).orElseThrow().familyId();
            for (String id : ids.values()) {
                assertEquals(familyId, lake.model(id).orElseThrow().familyId());
            }
            LakeLineage.replace(lake, familyId, ids.get("base"), List.of(
                    new LineageEdge(ids.get("base"), ids.get("c1"), 0.5, EdgeKind.FINE_TUNE),
                    new LineageEdge(ids.get("base"), ids.get("c2"), 0.625, EdgeKind.ADAPTER),
                    new LineageEdge(ids.get("c1"), ids.get("m"), 0.75, EdgeKind.MERGE, 0.3),
                    new LineageEdge(ids.get("c2"), ids.get("m"), 0.875, EdgeKind.MERGE, 0.7)));

            ModelDetails m = lake.details(ids.get("m")).orElseThrow();
            LineageLink fromC2 = new LineageLink(ids.get("c2"), "c2", 0.875, EdgeKind.MERGE, 0.7);
            LineageLink fromC1 = new LineageLink(ids.get("c1"), "c1", 0.75, EdgeKind.MERGE, 0.3);
            assertEquals(fromC2, m.parent());
            assertEquals(List.of(fromC2, fromC1), m.parents());
            assertEquals(List.of(), m.children());
            assertEquals(ids.get("c2"), m.model().parentId());
            assertEquals("merge", m.parent().kindLabel());

            ModelDetails c1Details = lake.details(ids.get("c1")).orElseThrow();
            assertEquals(List.of(new LineageLink(ids.get("m"), "m", 0.75, EdgeKind.MERGE, 0.3)), c1Details.children());
            assertEquals(new LineageLink(ids.get("base"), "base", 0.5, EdgeKind.FINE_TUNE, 1), c1Details.parent());
            ModelDetails root = lake.details(ids.get("base")).orElseThrow();
            assertNull(root.parent());
            assertEquals(List.of(), root.parents());
            assertEquals(List.of(new LineageLink(ids.get("c1"), "c1", 0.5, EdgeKind.FINE_TUNE),
                    new LineageLink(ids.get("c2"), "c2", 0.625, EdgeKind.ADAPTER)), root.children());

            FamilyTree tree = lake.tree(familyId).orElseThrow();
            Set<String> edges = new TreeSet<>();
            tree.edges().forEach(e -> edges.add(e.parentId() + ">" + e.childId() + " " + e.kind().label() + " " + e.weight() + " "
                    + e.confidence() + " " + e.duplicate() + " " + e.merge()));
            assertEquals(new TreeSet<>(List.of(ids.get("base") + ">" + ids.get("c1") + " fine-tune 1.0 0.5 false false",
                    ids.get("base") + ">" + ids.get("c2") + " adapter 1.0 0.625 false false",
                    ids.get("c1") + ">" + ids.get("m") + " merge 0.3 0.75 false true",
                    ids.get("c2") + ">" + ids.get("m") + " merge 0.7 0.875 false true")), edges);
            tree.nodes().forEach(n -> assertEquals(n.id().equals(ids.get("base")), n.root(), n.name()));
            LineageGraph graph = tree.graph();
            assertEquals(List.of(ids.get("base")), graph.roots());
            assertEquals(List.of(ids.get("c2"), ids.get("c1")), graph.parents(ids.get("m")), "the heavier parent first");
            assertEquals(List.of(ids.get("c2"), ids.get("c1"), ids.get("base")), graph.ancestors(ids.get("m")));
            assertEquals(List.of("base", "c1", "c2", "m"),
                    graph.topologicalOrder().stream().map(id -> tree.node(id).orElseThrow().name()).toList());
            assertEquals(List.of("base", " c1", "  m+", " c2", "  m"), graph.depthFirst().stream()
                    .map(st -> " ".repeat(st.depth()) + tree.node(st.modelId()).orElseThrow().name()
                            + (st.expanded() ? "" : "+")).toList());
            assertFalse(new LineageEdge("a", "b", 1, EdgeKind.FINE_TUNE).duplicate());
            assertTrue(new LineageEdge("a", "b", 1, EdgeKind.DUPLICATE).duplicate());
        }
    }
}
