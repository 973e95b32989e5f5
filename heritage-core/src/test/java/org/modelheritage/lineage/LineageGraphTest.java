package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.traverse.TopologicalOrderIterator;
import org.junit.jupiter.api.Test;

class LineageGraphTest {
    // r -> a -> x (adapter), r -> b, a + b -> m (merge, b heavier), m -> c (quantised); s alone
    static final LineageEdge RA = new LineageEdge("r", "a", 0.9, EdgeKind.FINE_TUNE);
    static final LineageEdge RB = new LineageEdge("r", "b", 0.8, EdgeKind.FINE_TUNE);
    static final LineageEdge AM = new LineageEdge("a", "m", 0.7, EdgeKind.MERGE, 0.4);
    static final LineageEdge BM = new LineageEdge("b", "m", 0.6, EdgeKind.MERGE, 0.6);
    static final LineageEdge MC = new LineageEdge("m", "c", 0.5, EdgeKind.QUANTIZED);
    static final LineageEdge AX = new LineageEdge("a", "x", 0.3, EdgeKind.ADAPTER);
    static final List<String> MEMBERS = List.of("a", "b", "c", "m", "r", "s", "x");

    static LineageGraph graph() {
        return LineageGraph.of(MEMBERS, List.of(MC, AX, BM, RA, AM, RB));
    }

    @Test
    void neighboursInMemberOrderParentsMainFirst() {
        LineageGraph g = graph();
        assertEquals(List.of("r", "s"), g.roots());
        assertTrue(g.isRoot("s"));
        assertFalse(g.isRoot("m"));
        assertEquals(List.of("b", "a"), g.parents("m"), "the heavier parent first");
        assertEquals(List.of(BM, AM), g.parentEdges("m"));
        assertEquals(Optional.of(BM), g.mainParentEdge("m"));
        assertEquals(Optional.empty(), g.mainParentEdge("r"));
        assertTrue(g.isMain(BM));
        assertFalse(g.isMain(AM));
        assertTrue(g.isMain(RA));
        assertEquals(List.of("m", "x"), g.children("a"));
        assertEquals(List.of(RA, RB), g.childEdges("r"));
        assertEquals(List.of(), g.children("c"));
        assertEquals(List.of(), g.parents("s"));
    }

    @Test
    void ancestorsAndDescendantsNearestFirst() {
        LineageGraph g = graph();
        assertEquals(List.of("m", "b", "a", "r"), g.ancestors("c"));
        assertEquals(List.of("a", "b", "m", "x", "c"), g.descendants("r"));
        assertEquals(List.of(), g.ancestors("r"));
        assertEquals(List.of(), g.descendants("s"));
    }

    @Test
    void topologicalOrderPutsEveryParentFirst() {
        LineageGraph g = graph();
        assertEquals(List.of("r", "a", "b", "m", "c", "s", "x"), g.topologicalOrder());
        for (LineageEdge e : g.edges()) {
            assertTrue(g.topologicalOrder().indexOf(e.parentId()) < g.topologicalOrder().indexOf(e.childId()), e.toString());
        }
    }

    @Test
    void depthFirstWalksMainEdgesAndShowsAMergeUnderEachParent() {
        List<String> lines = new ArrayList<>();
        for (LineageGraph.Step s : graph().depthFirst()) {
            lines.add("  ".repeat(s.depth()) + s.modelId() + (s.via() == null ? " root" : " " + s.via().kind().label())
                    + (s.expanded() ? "" : " (see below)"));
        }
        assertEquals(List.of(
                "r root",
                "  a fine-tune",
                "    m merge (see below)",
                "    x adapter",
                "  b fine-tune",
                "    m merge",
                "      c quantized",
                "s root"), lines);
    }

    @Test
    void aJGraphTViewOfTheSameGraph() {
        Graph<String, LineageEdge> g = graph().asGraph();
        assertEquals(Set.copyOf(MEMBERS), g.vertexSet());
        assertEquals(6, g.edgeSet().size());
        assertSame(AM, g.getEdge("a", "m"));
        assertEquals(2, g.inDegreeOf("m"));
        assertEquals("b", g.getEdgeSource(BM));
        assertTrue(g.getType().isDirected());
        List<String> order = new ArrayList<>();
        new TopologicalOrderIterator<>(g, Comparator.comparing(MEMBERS::indexOf)).forEachRemaining(order::add);
        assertEquals(graph().topologicalOrder(), order);
        assertEquals(2, new ConnectivityInspector<>(g).connectedSets().size());
        assertThrows(UnsupportedOperationException.class, () -> g.addVertex("z"));
    }

    @Test
    void refusesWhatIsNotALineage() {
        IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> LineageGraph.of(
                List.of("a", "b", "c"), List.of(new LineageEdge("a", "b", 1, EdgeKind.FINE_TUNE),
                        new LineageEdge("b", "c", 1, EdgeKind.FINE_TUNE), new LineageEdge("c", "b", 1, EdgeKind.FINE_TUNE))));
        assertEquals("lineage edges form a cycle (b is on it or below it)", cycle.getMessage());
        assertEquals("an edge names q, which is not a member", assertThrows(IllegalArgumentException.class,
                () -> LineageGraph.of(List.of("a"), List.of(new LineageEdge("a", "q", 1, EdgeKind.FINE_TUNE)))).getMessage());
        assertEquals("two edges from a to b", assertThrows(IllegalArgumentException.class,
                () -> LineageGraph.of(List.of("a", "b"), List.of(new LineageEdge("a", "b", 1, EdgeKind.FINE_TUNE),
                        new LineageEdge("a", "b", 0.5, EdgeKind.MERGE, 0.5)))).getMessage());
        assertEquals("model a is listed twice", assertThrows(IllegalArgumentException.class,
                () -> LineageGraph.of(List.of("a", "a"), List.of())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> graph().children("nobody"));
    }

    @Test
    void anEngineTreeIsAGraphToo() {
        LineageTree t = new LineageTree(MEMBERS, List.of("r", "s"), List.of(AM, AX, BM, MC, RA, RB), false,
                DirectionMode.FINE_TUNING);
        assertEquals(graph().depthFirst(), t.graph().depthFirst());
        assertEquals(graph().topologicalOrder(), t.graph().topologicalOrder());
        assertEquals(t.parentEdge("m").orElseThrow(), t.graph().mainParentEdge("m").orElseThrow());
        assertEquals(t.roots(), t.graph().roots());
    }
}
