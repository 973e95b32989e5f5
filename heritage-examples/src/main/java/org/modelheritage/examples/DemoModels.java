package org.modelheritage.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;

/**
 * A small directory of synthetic models for the examples to ingest when they are given none: two
 * unrelated families of one architecture (a heavy-tailed "pre-trained" root, children and
 * grandchildren that add Gaussian fine-tuning deltas) and one model of another architecture.
 * Written with the library's {@link SafetensorsWriter}.
 */
public final class DemoModels {

    /** A model written: its file and its true parent's name (null for a root). */
    public record Written(String name, Path file, String parent) {
    }

    private DemoModels() {
    }

    /** Writes the demo models into {@code dir} (created if needed) and returns them, parents first. */
    public static List<Written> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Written> out = new ArrayList<>();
        for (int family = 0; family < 2; family++) {
            String root = "base-" + (char) ('a' + family);
            Map<String, float[]> rootWeights = heavyTailed(3, 48, 100 + family);
            out.add(save(dir, root, null, rootWeights));
            for (int c = 0; c < 2; c++) {
                String child = root + "-ft" + c;
                Map<String, float[]> childWeights = plusNoise(rootWeights, 0.004, 200 + 10L * family + c);
                out.add(save(dir, child, root, childWeights));
                String grandchild = child + "-ft0";
                out.add(save(dir, grandchild, child, plusNoise(childWeights, 0.004, 300 + 10L * family + c)));
            }
        }
        out.add(save(dir, "other-architecture", null, heavyTailed(2, 32, 400)));
        return out;
    }

    private static Written save(Path dir, String name, String parent, Map<String, float[]> weights) throws IOException {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        weights.forEach((tensor, values) -> {
            int side = (int) Math.round(Math.sqrt(values.length));
            tensors.add(new SafetensorsWriter.Tensor(tensor, DType.F32, new long[] {side, side}, values));
        });
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        return new Written(name, file, parent);
    }

    /** Square matrices of Laplace-distributed values (scale 0.02), as pre-trained weights are heavy-tailed. */
    static Map<String, float[]> heavyTailed(int layers, int dim, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < layers; i++) {
            float[] w = new float[dim * dim];
            for (int j = 0; j < w.length; j++) {
                double u = r.nextDouble() - 0.5;
                w[j] = (float) (-0.02 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
            }
            out.put("blocks." + i + ".weight", w);
        }
        return out;
    }

    static Map<String, float[]> plusNoise(Map<String, float[]> parent, double sigma, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        parent.forEach((name, w) -> {
            float[] c = w.clone();
            for (int j = 0; j < c.length; j++) {
                c[j] += (float) (sigma * r.nextGaussian());
            }
            out.put(name, c);
        });
        return out;
    }
}
