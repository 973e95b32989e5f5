package org.modelheritage.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * The measurements of {@code docs/scale-out.md}, run by the scripts in {@code scripts/}:
 *
 * <pre>
 * ScaleOutBench files DIR FAMILIES PER_FAMILY [SIDE] safetensors files: families of fine-tunes,
 *                                                 each family its own architecture (matrices of SIDE + 2f,
 *                                                 default 12: small models)
 * ScaleOutBench build LAKE_DIR FAMILIES PER_FAMILY a default lake (SQLite + blobs) of such models
 * ScaleOutBench reopen LAKE_DIR                    opens it again: time, heap, first read, first job
 * </pre>
 *
 * Every model is its parent plus Gaussian noise (a binary tree: model i's parent is (i - 1) / 2);
 * family f's matrices are (12 + 2f) x (12 + 2f) (or SIDE + 2f), so families never share a family group.
 */
public final class ScaleOutBench {
    private ScaleOutBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "files" -> files(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : SMALL);
            case "build" -> build(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "reopen" -> reopen(Path.of(args[1]));
            default -> throw new IllegalArgumentException("files | build | reopen, got " + args[0]);
        }
    }

    /** The side of family 0's matrices by default. */
    static final int SMALL = 12;

    /** Model {@code i} of family {@code f}, small, as tensors. */
    static List<SafetensorsWriter.Tensor> model(int family, int i) {
        return model(family, i, SMALL);
    }

    /** Model {@code i} of family {@code f} with matrices of {@code side + 2 f}, as tensors. */
    static List<SafetensorsWriter.Tensor> model(int family, int i, int side) {
        int d = side + 2 * family;
        List<SafetensorsWriter.Tensor> out = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            out.add(new SafetensorsWriter.Tensor("layers." + layer + ".weight", DType.F32, new long[] {d, d},
                    weights(family, i, layer, d * d)));
        }
        return out;
    }

    /** The root's values plus, along the path from the root to model i, one noise draw per edge. */
    private static float[] weights(int family, int i, int layer, int n) {
        List<Integer> path = new ArrayList<>();
        for (int m = i; m > 0; m = (m - 1) / 2) {
            path.add(m);
        }
        float[] w = new float[n];
        Random root = new Random(1_000_003L * family + layer);
        for (int k = 0; k < n; k++) {
            w[k] = (float) root.nextGaussian();
        }
        for (int m : path) {
            Random noise = new Random(7_919L * family + 104_729L * m + layer);
            for (int k = 0; k < n; k++) {
                w[k] += (float) (0.02 * noise.nextGaussian());
            }
        }
        return w;
    }

    static void files(Path dir, int families, int perFamily, int side) throws IOException {
        Files.createDirectories(dir);
        for (int f = 0; f < families; f++) {
            for (int i = 0; i < perFamily; i++) {
                SafetensorsWriter.write(dir.resolve(String.format("f%02d-m%04d.safetensors", f, i)), model(f, i, side), Map.of());
            }
        }
    }

    static void build(Path lakeDir, int families, int perFamily) throws Exception {
        Path tmp = Files.createTempDirectory("scaleout-build");
        long start = System.nanoTime();
        try (ModelLake lake = ModelLake.open(lakeDir, LakeOptions.defaults().withWorkDir(lakeDir.resolve("work")))) {
            for (int i = 0; i < perFamily; i++) {
                for (int f = 0; f < families; f++) {
                    Path file = tmp.resolve("m.safetensors");
                    SafetensorsWriter.write(file, model(f, i), Map.of());
                    lake.add(String.format("f%02d-m%04d", f, i), null, "m.safetensors",
                            new ByteArrayInputStream(Files.readAllBytes(file)));
                }
                if (i % 50 == 49) {
                    lake.awaitIdle(Duration.ofHours(1));
                    System.out.printf("%d models, %.0f s%n", (i + 1) * families, (System.nanoTime() - start) / 1e9);
                }
            }
            lake.awaitIdle(Duration.ofHours(1));
            System.out.printf("built %d models in %d families in %.0f s%n", lake.stats().models(), lake.stats().families(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    static void reopen(Path lakeDir) throws Exception {
        long t0 = System.nanoTime();
        try (ModelLake lake = ModelLake.open(lakeDir, LakeOptions.defaults().withWorkDir(lakeDir.resolve("work")))) {
            long opened = System.nanoTime();
            long heapOpen = usedHeapAfterGc();
            Family family = lake.families(0, 1).items().get(0);
            int edges = lake.tree(family.id()).orElseThrow().edges().size();
            long read = System.nanoTime();
            // one more model: its job loads the one family group it joins, from the store
            int index = (int) (lake.familyModels(family.id(), 0, 1).orElseThrow().total());
            String name = lake.familyModels(family.id(), 0, 1).orElseThrow().items().get(0).name();
            int f = Integer.parseInt(name.substring(1, 3));
            Path file = Files.createTempFile("scaleout-reopen", ".safetensors");
            SafetensorsWriter.write(file, model(f, index), Map.of());
            Model added = lake.add("reopen-probe", null, List.of(file));
            lake.awaitIdle(Duration.ofMinutes(10));
            long job = System.nanoTime();
            Model done = lake.model(added.id()).orElseThrow();
            System.out.printf("models %d, families %d, heap limit %d MB%n", lake.stats().models(), lake.stats().families(),
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("open %.2f s, heap after open %d MB; first tree (%d edges) %.2f s; "
                            + "one upload processed (its family group loaded from the store) %.2f s, %s, heap %d MB%n",
                    (opened - t0) / 1e9, heapOpen >> 20, edges, (read - opened) / 1e9, (job - read) / 1e9,
                    done.status() == ModelStatus.READY ? "ready" : done.status() + " " + done.failureMessage(),
                    usedHeapAfterGc() >> 20);
            lake.remove(added.id());
            Files.deleteIfExists(file);
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
