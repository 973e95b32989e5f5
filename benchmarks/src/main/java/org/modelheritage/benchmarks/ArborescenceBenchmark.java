package org.modelheritage.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;
import org.modelheritage.lineage.MinimumArborescence;
import org.modelheritage.lineage.TarjanArborescence;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Minimum spanning arborescence (Tarjan's form of Edmonds' algorithm) on complete directed graphs
 * with random weights, over every root: {@code completeGraph} on a JGraphT
 * {@code SimpleDirectedWeightedGraph} (up to 2,000 vertices: 4 million edge objects), and
 * {@code computedCompleteGraph} on {@link CompleteDigraph}, a JGraphT graph whose edges and weights
 * are computed on demand, from 100 to 5,000 vertices (25 million edges). The time includes reading
 * the graph's n(n-1) edges out of JGraphT.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Arborescence -f 1 -wi 2 -i 3 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
public class ArborescenceBenchmark {
    @Param({"100", "500", "1000", "2000", "5000"})
    public int vertices;

    private Graph<Integer, DefaultWeightedEdge> graph;
    private CompleteDigraph computed;

    @Setup
    public void setup() {
        computed = new CompleteDigraph(vertices, 7);
        if (vertices > 2000) {
            return; // 25 million edge objects would not fit a sensible heap
        }
        SplittableRandom rng = new SplittableRandom(7);
        graph = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
        for (int v = 0; v < vertices; v++) {
            graph.addVertex(v);
        }
        for (int a = 0; a < vertices; a++) {
            for (int b = 0; b < vertices; b++) {
                if (a != b) {
                    graph.setEdgeWeight(graph.addEdge(a, b), rng.nextDouble());
                }
            }
        }
    }

    @Benchmark
    public double completeGraph() {
        if (graph == null) {
            return Double.NaN; // not built at this size
        }
        MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(graph).getArborescence();
        return t.getWeight();
    }

    @Benchmark
    public double computedCompleteGraph() {
        return new TarjanArborescence<>(computed).getArborescence().getWeight();
    }
}
