package org.modelheritage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.LineageIndex;
import org.modelheritage.lineage.LineageTree;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;
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
 * Scaling of the incremental lineage engine ({@link LineageIndex}): the time to add the n-th
 * model to a family of n - 1 and get the family's tree back — one signature pass over the new
 * weights, n - 1 correlations and pair metrics, the families updated and the tree grown by one
 * vertex (linear in n) — and the peak heap it takes. The family is a root and n - 2 fine-tuned children of it
 * ({@link SyntheticWeightFile}, {@code layers} square matrices of {@code side²}); after each add
 * the model is removed again (untimed; removal rebuilds the family's tree from cached values), so
 * every op adds the n-th.
 *
 * <p>Sketches of 16 × 16 (the library's default is 128) keep the set-up of a 1,000-model family
 * (half a million pairs) to seconds; the per-pair cost at the default size is measured by
 * {@link SketchDistanceBenchmark}. Peak heap: the JVM's heap pools' peak during the op, after a
 * GC before it, minus what was live before it — the engine's working memory for one add, garbage
 * included; printed at the end of the trial. Run with {@code -p n=10 -p side=64,4096} to see that
 * it does not grow with the model (a 4096² matrix is 64 MiB of F32; the fork's heap is 512 MiB).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-XX:+UseParallelGC"})
public class IncrementalAddBenchmark {

    @Param({"10", "100", "1000"})
    public int n;

    @Param({"64"})
    public int side;

    @Param({"3"})
    public int layers;

    private LineageIndex index;
    private long childSeed;
    private String added;
    private long liveBefore;
    private long peakGrowth;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();

    @Setup(Level.Trial)
    public void buildFamily() throws Exception {
        index = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(16, 16));
        index.add("m0000", new SyntheticWeightFile(layers, side, 0));
        for (int i = 1; i < n - 1; i++) {
            index.add(String.format("m%04d", i), new SyntheticWeightFile(layers, side, i));
        }
        index.trees(); // every pairwise value of the n - 1 models, cached
        childSeed = n;
    }

    @Setup(Level.Invocation)
    public void beforeAdd() {
        System.gc();
        liveBefore = heapUsed();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    @Benchmark
    public LineageTree addNth() throws Exception {
        added = String.format("x%06d", childSeed);
        index.add(added, new SyntheticWeightFile(layers, side, childSeed++));
        LineageTree tree = index.treeOf(added).orElseThrow();
        if (tree.members().size() != n) {
            throw new IllegalStateException("the family has " + tree.members().size() + " members, not " + n);
        }
        return tree;
    }

    @TearDown(Level.Invocation)
    public void afterAdd() {
        long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        peakGrowth = Math.max(peakGrowth, peak - liveBefore);
        index.remove(added);
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%nn=%d side=%d: peak heap above live data during one add: %.1f MiB (live before: %.1f MiB)%n",
                n, side, peakGrowth / 1048576.0, liveBefore / 1048576.0);
    }

    private long heapUsed() {
        return heapPools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
