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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Minimum spanning arborescence (Tarjan's form of Edmonds' algorithm) on complete directed graphs
 * with random weights, over every root, on a JGraphT {@code SimpleDirectedWeightedGraph}. The time
 * includes reading the graph's n(n-1) edges out of JGraphT.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Arborescence -f 1 -wi 2 -i 3 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArborescenceBenchmark {
    @Param({"100", "500", "2000"})
    public int vertices;

    private Graph<Integer, DefaultWeightedEdge> graph;

    @Setup
    public void setup() {
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
        MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(graph).getArborescence();
        return t.getWeight();
    }
}
