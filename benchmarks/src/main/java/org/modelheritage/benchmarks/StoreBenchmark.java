package org.modelheritage.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.Page;
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
 * Inserts and searches against a metadata store already holding 100,000 models, for each adapter:
 * SQLite, PostgreSQL (needs the server .ci/run starts: jdbc:postgresql://127.0.0.1:5432/test, set
 * -Dheritage.bench.postgres to change) and the filesystem store.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar StoreBenchmark -p store=sqlite,filesystem
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class StoreBenchmark {
    static final List<String> ARCHITECTURES = List.of("bert", "gpt2", "llama", "vit", "resnet", "t5", "roberta",
            "mistral", "whisper", "clip");
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Param({"sqlite", "postgresql", "filesystem"})
    public String store;

    @Param("100000")
    public int models;

    private MetadataStore meta;
    private Path dir;
    private String pgBase;
    private String pgSchema;
    private final Random random = new Random(42);
    private int inserted;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("heritage-bench-");
        URI uri = switch (store) {
            case "sqlite" -> URI.create("jdbc:sqlite:" + dir.resolve("heritage.db"));
            case "filesystem" -> dir.resolve("meta").toUri();
            case "postgresql" -> {
                pgBase = System.getProperty("heritage.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
                pgSchema = "heritage_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                yield URI.create(pgBase + "?currentSchema=" + pgSchema + "&user=postgres");
            }
            default -> throw new IllegalArgumentException(store);
        };
        meta = Stores.openMetadata(uri);
        long start = System.nanoTime();
        ChangeSet.Builder batch = ChangeSet.builder();
        for (int i = 0; i < models; i++) {
            batch.insertModel(model(i));
            if (batch.size() == 1000 || i == models - 1) {
                meta.apply(batch.build());
                batch = ChangeSet.builder();
            }
        }
        long loadMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%n[%s] loaded %d models in change sets of 1000: %d ms (%.1f µs/model)%n", store, models,
                loadMillis, loadMillis * 1000.0 / models);
        if (store.equals("filesystem")) {
            meta.close();
            start = System.nanoTime();
            meta = Stores.openMetadata(uri);
            System.out.printf("[filesystem] reopened with %d models (snapshot read, indexes rebuilt): %d ms%n",
                    meta.totals().models(), (System.nanoTime() - start) / 1_000_000);
        }
        inserted = models;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        meta.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (pgSchema != null) {
            try (Connection c = DriverManager.getConnection(pgBase + "?user=postgres"); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + pgSchema + " CASCADE");
            }
        }
    }

    static Model model(int i) {
        String arch = ARCHITECTURES.get(i % ARCHITECTURES.size());
        String name = arch + "-" + (i % 7 == 0 ? "Base" : "ft") + "-" + i;
        return Model.builder(String.format("m%07d", i), name, sha("model " + i), 500_000_000L + i, T0.plusSeconds(i))
                .files(List.of(new ModelFile(name + ".safetensors", sha("file " + i), 500_000_000L + i)))
                .format(i % 3 == 0 ? "pytorch-zip" : "safetensors")
                .parameterCount(125_000_000L + i)
                .layerCount(12 + i % 24)
                .structuralHash("struct-" + arch)
                .status(ModelStatus.READY)
                .processedAt(T0.plusSeconds(i + 60))
                .build();
    }

    static String sha(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Name search matching 10% of the models ("llama"), first page of 20 and the total. */
    @Benchmark
    public Page<Model> searchFrequentTerm() {
        String term = ARCHITECTURES.get(random.nextInt(ARCHITECTURES.size())).toUpperCase();
        return meta.searchModels(ModelQuery.all().withNameContaining(term).page(0, 20));
    }

    /** Name search matching a handful of models ("-4242" matches -4242, -42420..-42429), first page and total. */
    @Benchmark
    public Page<Model> searchRareTerm() {
        return meta.searchModels(ModelQuery.all().withNameContaining("-" + (1000 + random.nextInt(9000))).page(0, 20));
    }

    /** A page of 50 anywhere in the alphabetical listing of all models, with the total. */
    @Benchmark
    public Page<Model> pageThroughAll() {
        return meta.searchModels(ModelQuery.all().page(random.nextInt(models - 50), 50));
    }

    @Benchmark
    public Model getById() {
        return meta.model(String.format("m%07d", random.nextInt(models))).orElseThrow();
    }

    @Benchmark
    public LakeTotals totals() {
        return meta.totals();
    }

    /** The dashboard's aggregates (/api/stats/charts); sampled, so JMH reports p99 (the goal: under 100 ms). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public LakeStats dashboardStats() {
        return meta.stats(10);
    }

    /** One new model per change set: the upload path (durable when it returns). */
    @Benchmark
    public void insertOne() {
        meta.insertModel(model(inserted++));
    }

    /** 100 new models in one change set; the time is per change set (divide by 100 per model). */
    @Benchmark
    public void insertBatchOf100() {
        ChangeSet.Builder batch = ChangeSet.builder();
        for (int i = 0; i < 100; i++) {
            batch.insertModel(model(inserted++));
        }
        meta.apply(batch.build());
    }
}
