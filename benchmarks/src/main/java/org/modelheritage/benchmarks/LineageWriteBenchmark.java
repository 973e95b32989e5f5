package org.modelheritage.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Stores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What writing one family's lineage costs in a metadata store, for a family of {@code n} models
 * (a random tree): replacing the whole lineage ({@code ReplaceLineage}, what every add did before
 * adds wrote differences), the edges into one child (an add that moves nothing but the new
 * model's edge), and every edge's confidence (an add that moved the family's direction consensus).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar LineageWriteBenchmark -p n=1000,10000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LineageWriteBenchmark {
    @Param({"sqlite", "filesystem"})
    public String store;

    @Param({"1000", "10000"})
    public int n;

    private MetadataStore meta;
    private Path dir;
    private final List<LineageEdge> edges = new ArrayList<>();
    private final Random random = new Random(7);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("heritage-bench-");
        meta = Stores.openMetadata(store.equals("sqlite") ? URI.create("jdbc:sqlite:" + dir.resolve("heritage.db"))
                : dir.resolve("meta").toUri());
        ChangeSet.Builder batch = ChangeSet.builder();
        for (int i = 0; i < n; i++) {
            batch.insertModel(StoreBenchmark.model(i));
        }
        meta.apply(batch.build());
        for (int i = 1; i < n; i++) {
            edges.add(new LineageEdge(String.format("m%07d", random.nextInt(i)), String.format("m%07d", i),
                    random.nextDouble(), EdgeKind.FINE_TUNE));
        }
        meta.apply(ChangeSet.builder().putFamily("hub", "struct-bert", "m0000000").replaceLineage("hub", edges).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        meta.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<LineageEdge> newConfidences() {
        List<LineageEdge> out = new ArrayList<>(edges.size());
        for (LineageEdge e : edges) {
            out.add(new LineageEdge(e.parentId(), e.childId(), random.nextDouble(), e.kind()));
        }
        return out;
    }

    @Benchmark
    public void replaceLineage() {
        meta.apply(ChangeSet.builder().replaceLineage("hub", newConfidences()).build());
    }

    @Benchmark
    public void updateEveryConfidence() {
        List<LineageEdge> next = newConfidences();
        Set<String> children = new TreeSet<>();
        next.forEach(e -> children.add(e.childId()));
        meta.apply(ChangeSet.builder().updateLineage("hub", children, next).build());
    }

    @Benchmark
    public void updateOneChild() {
        LineageEdge e = edges.get(random.nextInt(edges.size()));
        meta.apply(ChangeSet.builder().updateLineage("hub", Set.of(e.childId()),
                List.of(new LineageEdge(e.parentId(), e.childId(), random.nextDouble(), e.kind()))).build());
    }
}
