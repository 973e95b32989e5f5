package org.modelheritage.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.modelheritage.compare.Comparison;
import org.modelheritage.compare.WeightDiff;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;

/**
 * Scripted: {@link WeightDiff#between} on two large F32 safetensors models (written here, B = A
 * plus small noise), against reading both once (every tensor streamed to a sink that sums it).
 * Reads and compares alternate, so both see the same page cache and machine load; medians are
 * reported with their ratio and the heap in use. Run:
 * <pre>java -Xmx512m -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.CompareThroughput [megabytes reps]</pre>
 */
public final class CompareThroughput {
    private CompareThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("compare-throughput");
        try {
            Path a = dir.resolve("a.safetensors");
            Path b = dir.resolve("b.safetensors");
            write(a, b, megabytes);
            System.out.printf(Locale.ROOT, "two models of %d MiB each (%s)%n", megabytes, dir);
            double[] read = new double[reps];
            double[] compare = new double[reps];
            double[] readCpu = new double[reps];
            double[] compareCpu = new double[reps];
            Comparison last = null;
            for (int r = -1; r < reps; r++) { // r = -1: warm-up of both
                long c0 = cpu();
                long t0 = System.nanoTime();
                readOnce(a);
                readOnce(b);
                double tRead = (System.nanoTime() - t0) / 1e9;
                double cRead = (cpu() - c0) / 1e9;
                long c1 = cpu();
                long t1 = System.nanoTime();
                try (WeightFile fa = WeightReaders.open(a); WeightFile fb = WeightReaders.open(b)) {
                    last = WeightDiff.between(fa, fb);
                }
                double tCompare = (System.nanoTime() - t1) / 1e9;
                double cCompare = (cpu() - c1) / 1e9;
                if (r >= 0) {
                    read[r] = tRead;
                    compare[r] = tCompare;
                    readCpu[r] = cRead;
                    compareCpu[r] = cCompare;
                }
                System.out.printf(Locale.ROOT, "  %s read both once %.2f s (CPU %.2f s), compare %.2f s (CPU %.2f s),"
                        + " heap used %d MiB%n", r < 0 ? "warm-up" : "run " + r, tRead, cRead, tCompare, cCompare,
                        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
            }
            Arrays.sort(read);
            Arrays.sort(compare);
            Arrays.sort(readCpu);
            Arrays.sort(compareCpu);
            System.out.printf(Locale.ROOT, "median: read both once %.2f s (%.0f MB/s), compare %.2f s: %.2f x one read;"
                    + " CPU: read %.2f s, compare %.2f s: %.2f x; %s%n", read[reps / 2],
                    2 * megabytes * 1.048576 / read[reps / 2], compare[reps / 2], compare[reps / 2] / read[reps / 2],
                    readCpu[reps / 2], compareCpu[reps / 2], compareCpu[reps / 2] / readCpu[reps / 2],
                    last.summary().text());
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** This process's CPU time, all threads, in nanoseconds. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double readOnce(Path p) throws IOException {
        double[] sum = {0};
        try (WeightFile f = WeightReaders.open(p)) {
            for (TensorInfo t : f.tensors()) {
                f.read(t.name(), (values, length) -> {
                    double s = 0;
                    for (int i = 0; i < length; i++) {
                        s += values[i];
                    }
                    sum[0] += s;
                });
            }
        }
        return sum[0];
    }

    /** 4096-wide matrices up to the size asked: A heavy-tailed, B = A + noise of 1 %. */
    private static void write(Path a, Path b, int megabytes) throws IOException {
        int side = 4096;
        long perMatrix = (long) side * side * 4;
        int count = (int) Math.max(1, megabytes * 1048576L / perMatrix);
        List<TensorInfo> infos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            infos.add(new TensorInfo("layers." + i + ".mlp.weight", DType.F32, new long[] {side, side}));
        }
        SplittableRandom r = new SplittableRandom(1);
        float[] row = new float[side];
        float[] rowB = new float[side];
        try (SafetensorsWriter wa = SafetensorsWriter.create(a, infos, Map.of());
             SafetensorsWriter wb = SafetensorsWriter.create(b, infos, Map.of())) {
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < side; k++) {
                    for (int j = 0; j < side; j++) {
                        double u = r.nextDouble() - 0.5;
                        row[j] = (float) (-0.02 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
                        rowB[j] = row[j] + (float) (0.0002 * r.nextGaussian());
                    }
                    wa.write(row);
                    wb.write(rowB);
                }
            }
        }
    }
}
