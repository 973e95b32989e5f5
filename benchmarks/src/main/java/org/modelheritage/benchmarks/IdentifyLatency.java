package org.modelheritage.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.modelheritage.lake.Identification;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Scripted: how long {@link ModelLake#identify} takes on a lake of many models, against the time
 * to read the file once (its signature pass). The lake (SQLite, local blobs) holds
 * {@code families} families of {@code perFamily} models each, all of one architecture ({@code
 * layers} square F32 matrices of {@code side}²: a root with heavy-tailed weights and children of
 * rank-2 updates plus noise), so identifying a new child compares it with every model of the
 * architecture: above {@code mh.sparseAbove} (200) models it is compared with its candidates by
 * sketch embedding, as an add is (the family search), then one family's tree is built. The first
 * call after the lake opens also loads the family group from the store, and is reported apart.
 * Run:
 * <pre>java -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.IdentifyLatency [families perFamily layers side reps]
 * java -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.IdentifyLatency --again DIR [reps]</pre>
 */
public final class IdentifyLatency {
    private IdentifyLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--again")) {
            // a lake an earlier run built (it is left in place)
            measure(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 11);
            return;
        }
        int families = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int perFamily = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int side = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        Path dir = Files.createTempDirectory("identify-latency");
        Path files = Files.createDirectories(dir.resolve("files"));
        long t0 = System.nanoTime();
        List<float[][]> roots = new ArrayList<>();
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults()
                .withWorkers(Runtime.getRuntime().availableProcessors()).withWorkDir(dir.resolve("work")))) {
            for (int f = 0; f < families; f++) {
                float[][] root = root(layers, side, 1000L + f);
                roots.add(root);
                for (int m = 0; m < perFamily; m++) {
                    float[][] w = m == 0 ? root : child(root, 0.02, 7L * f + m);
                    Path p = write(files.resolve("m.safetensors"), w, side);
                    lake.add("f" + f + "-m" + m, null, List.of(p));
                }
                lake.awaitIdle(Duration.ofHours(1));
            }
            System.out.printf(Locale.ROOT, "lake of %d models (%d families of %d, %d x %d² F32 each) built in %.0f s, in %s%n",
                    lake.stats().models(), families, perFamily, layers, side, (System.nanoTime() - t0) / 1e9, dir);

            // a new child of the middle family: its seed is one no model's (theirs are 7 f + m >= 0)
            write(files.resolve("probe.safetensors"), child(roots.get(families / 2), 0.02, PROBE_SEED), side);
        }
        measure(dir, reps);
    }

    /** Identifies {@code DIR/files/probe.safetensors} against the lake in {@code DIR/lake}, timing each call. */
    static void measure(Path dir, int reps) throws Exception {
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")))) {
            Path probe = dir.resolve("files").resolve("probe.safetensors");
            SignatureExtractor extractor = new SignatureExtractor();
            double[] cpu = new double[reps];
            double[] read = new double[reps];
            double[] identify = new double[reps];
            Identification last = null;
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long f = System.nanoTime();
            long fc = cpuNanos();
            lake.identify(List.of(probe)); // the first: loads the family group from the store
            System.out.printf(Locale.ROOT, "first identify after the lake opened (loads the family group): %.0f ms, CPU %.0f ms%n",
                    (System.nanoTime() - f) / 1e6, (cpuNanos() - fc) / 1e6);
            for (int w = 0; w < WARM_UP; w++) {
                lake.identify(List.of(probe)); // warm-up: the JIT, the store's pages
            }
            for (int r = 0; r < reps; r++) {
                long a = System.nanoTime();
                try (WeightFile w = WeightReaders.open(probe)) {
                    extractor.extract(w);
                }
                read[r] = (System.nanoTime() - a) / 1e6;
                long b = System.nanoTime();
                long c = cpuNanos();
                last = lake.identify(List.of(probe));
                identify[r] = (System.nanoTime() - b) / 1e6;
                cpu[r] = (cpuNanos() - c) / 1e6;
            }
            Arrays.sort(read);
            Arrays.sort(identify);
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "file %.1f MiB; median of %d: one read (signature pass) %.0f ms, identify %.0f ms,"
                    + " identify beyond one read %.0f ms (min %.0f, max %.0f)%n", Files.size(probe) / 1048576.0, reps,
                    read[reps / 2], identify[reps / 2], identify[reps / 2] - read[reps / 2], identify[0] - read[0],
                    identify[reps - 1] - read[reps - 1]);
            System.out.printf(Locale.ROOT, "identify's CPU time (all threads of the process), median %.0f ms (min %.0f, max %.0f);"
                    + " %d models in the lake, %d cores, load average %.1f before and %.1f after the timed calls%n",
                    cpu[reps / 2], cpu[0], cpu[reps - 1], lake.stats().models(), Runtime.getRuntime().availableProcessors(),
                    load, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("answer: " + last.placement() + ", parent " + last.parent().map(p -> p.name() + " "
                    + p.kindLabel()).orElse("none") + ", family of " + (last.family() == null ? 0 : last.family().memberCount()));
        }
        // The lake opened again in this JVM, its code compiled by now: the first identify then
        // costs the family group's load from the store, without the JIT's warm-up.
        for (int again = 0; again < 3; again++) {
            try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                    .withWorkDir(dir.resolve("work")))) {
                Path probe = dir.resolve("files").resolve("probe.safetensors");
                long f = System.nanoTime();
                long fc = cpuNanos();
                lake.identify(List.of(probe));
                System.out.printf(Locale.ROOT, "the lake opened again in the same JVM: first identify %.0f ms, CPU %.0f ms%n",
                        (System.nanoTime() - f) / 1e6, (cpuNanos() - fc) / 1e6);
            }
        }
        // As a server opens it: the lineage warm-up loads the largest family groups beside the open
        // lake; an identify after it finds its group loaded.
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")).withLineageWarmUp(true))) {
            long w = System.nanoTime();
            lake.awaitWarmUp(Duration.ofHours(1));
            long f = System.nanoTime();
            long fc = cpuNanos();
            lake.identify(List.of(dir.resolve("files").resolve("probe.safetensors")));
            System.out.printf(Locale.ROOT, "opened with the lineage warm-up: warm-up %.0f ms, then the first identify %.0f ms, CPU %.0f ms%n",
                    (f - w) / 1e6, (System.nanoTime() - f) / 1e6, (cpuNanos() - fc) / 1e6);
        }
    }

    /** The seed of the file identified. */
    static final long PROBE_SEED = -99;

    /** Calls before the timed ones: the JIT compiles the paths identify takes. */
    private static final int WARM_UP = 10;

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static float[][] root(int layers, int side, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[layers][side * side];
        for (float[] w : out) {
            for (int j = 0; j < w.length; j++) {
                double u = r.nextDouble() - 0.5;
                w[j] = (float) (-0.02 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
            }
        }
        return out;
    }

    /** A rank-2 update of the given scale on each matrix plus a quarter of it of noise. */
    static float[][] child(float[][] parent, double scale, long seed) {
        Random r = new Random(seed);
        int side = (int) Math.round(Math.sqrt(parent[0].length));
        float[][] out = new float[parent.length][];
        for (int l = 0; l < parent.length; l++) {
            float[] w = parent[l].clone();
            double[][] u = new double[2][side];
            double[][] v = new double[2][side];
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < side; i++) {
                    u[k][i] = r.nextGaussian();
                    v[k][i] = r.nextGaussian();
                }
            }
            double s = scale / Math.sqrt(side);
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    double d = s * (u[0][i] * v[0][j] + u[1][i] * v[1][j]) / Math.sqrt(side) + 0.25 * scale * r.nextGaussian() / 10;
                    w[i * side + j] += (float) d;
                }
            }
            out[l] = w;
        }
        return out;
    }

    static Path write(Path p, float[][] w, int side) throws IOException {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (int l = 0; l < w.length; l++) {
            tensors.add(new SafetensorsWriter.Tensor("layers." + l + ".weight", DType.F32, new long[] {side, side}, w[l]));
        }
        SafetensorsWriter.write(p, tensors, Map.of());
        return p;
    }
}
