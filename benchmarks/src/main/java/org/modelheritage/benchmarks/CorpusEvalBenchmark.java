package org.modelheritage.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
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
 * {@code eval} end to end on a subset of the development corpus ({@code ../shared/corpus/SUBSET},
 * or under {@code -Dheritage.shared.dir}): {@link LineageEvaluation} with its defaults, what
 * {@code heritage-server.jar eval SUBSET} runs — every model opened by the readers, one signature
 * pass each (on all cores), the incremental index, families, trees, the metrics. One op is one
 * whole subset. The metrics of the last op are printed, so a fast but wrong run shows. Fails with
 * a clear message when the corpus is absent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class CorpusEvalBenchmark {

    @Param({"mlp-ft", "vit-ft", "vit-lora"})
    public String subset;

    private Path corpus;
    private EvalReport last;

    @Setup(Level.Trial)
    public void findCorpus() {
        Path shared = Path.of(System.getProperty("heritage.shared.dir", "../shared"));
        corpus = shared.resolve("corpus").resolve(subset);
        if (!Files.isRegularFile(corpus.resolve("ground_truth.json"))) {
            throw new IllegalStateException("corpus subset not found: " + corpus.toAbsolutePath()
                    + " (run from the repository root with ../shared beside it, or pass -Dheritage.shared.dir=DIR)");
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s: %d models, ARI %.3f, undirected %.3f, directed %.3f, roots %.3f%n", subset,
                last.models(), last.adjustedRandIndex(), last.undirectedAccuracy(), last.directedAccuracy(),
                last.rootAccuracy());
    }

    @Benchmark
    public EvalReport eval() throws Exception {
        last = LineageEvaluation.defaults().run(corpus);
        return last;
    }
}
