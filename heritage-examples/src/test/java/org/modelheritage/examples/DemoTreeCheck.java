package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.modelheritage.lake.FamilyTree;

/** What the lake must recover from {@link DemoModels}, whatever store it runs on. */
final class DemoTreeCheck {
    private DemoTreeCheck() {
    }

    static void check(List<DemoModels.Written> written, List<FamilyTree> trees) {
        // Families: exactly the two trees and the lone model of another architecture.
        Set<Set<String>> found = trees.stream()
                .map(t -> t.nodes().stream().map(FamilyTree.Node::name).collect(Collectors.toSet()))
                .collect(Collectors.toSet());
        Map<String, Set<String>> truthFamilies = new HashMap<>();
        for (DemoModels.Written w : written) {
            truthFamilies.computeIfAbsent(root(w.name(), written), k -> new HashSet<>()).add(w.name());
        }
        assertEquals(new HashSet<>(truthFamilies.values()), found);

        Set<List<String>> edges = new HashSet<>();
        for (FamilyTree t : trees) {
            Map<String, String> name = new HashMap<>();
            t.nodes().forEach(n -> name.put(n.id(), n.name()));
            t.edges().forEach(e -> edges.add(List.of(name.get(e.parentId()), name.get(e.childId()))));
        }
        int directed = 0;
        int trueEdges = 0;
        for (DemoModels.Written w : written) {
            if (w.parent() == null) {
                continue;
            }
            trueEdges++;
            boolean forward = edges.contains(List.of(w.parent(), w.name()));
            boolean backward = edges.contains(List.of(w.name(), w.parent()));
            assertTrue(forward || backward, "edge " + w.parent() + " - " + w.name() + " not found in " + edges);
            directed += forward ? 1 : 0;
        }
        assertEquals(8, trueEdges);
        assertEquals(8, edges.size(), "a forest of 11 models in 3 families has 8 edges: " + edges);
        // Every edge in the right direction (before kurtosis could out-vote the spectral tail,
        // base-a's root edge came out reversed: 7 of 8).
        assertEquals(8, directed, directed + " of 8 edges in the right direction: " + edges);
    }

    private static String root(String name, List<DemoModels.Written> written) {
        Map<String, String> parent = new HashMap<>();
        written.forEach(w -> parent.put(w.name(), w.parent()));
        String r = name;
        while (parent.get(r) != null) {
            r = parent.get(r);
        }
        return r;
    }
}
