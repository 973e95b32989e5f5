package org.modelheritage.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.read.TensorInfo;

/**
 * Writes a synthetic model tree of ViT-Base-shaped F32 safetensors files (86 M parameters, 344 MB
 * each) and its {@code ground_truth.json}, for the speed check of {@code eval}: a heavy-tailed
 * (Laplace) root, three children and six grandchildren, each model its parent plus a Gaussian
 * delta. Nothing is kept in memory but one tensor of each model at a time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.SyntheticVitTree /tmp/vit-base-tree</pre>
 */
public final class SyntheticVitTree {
    static final int HIDDEN = 768;
    static final int MLP = 3072;
    static final int LAYERS = 12;
    static final int PATCHES = 197;

    private SyntheticVitTree() {
    }

    /** ViT-Base tensor names (as Hugging Face names them) and shapes. */
    static Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("embeddings.cls_token", new long[] {1, 1, HIDDEN});
        s.put("embeddings.position_embeddings", new long[] {1, PATCHES, HIDDEN});
        s.put("embeddings.patch_embeddings.projection.weight", new long[] {HIDDEN, 3, 16, 16});
        s.put("embeddings.patch_embeddings.projection.bias", new long[] {HIDDEN});
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            s.put(p + "layernorm_before.weight", new long[] {HIDDEN});
            s.put(p + "layernorm_before.bias", new long[] {HIDDEN});
            for (String m : List.of("attention.attention.query", "attention.attention.key", "attention.attention.value",
                    "attention.output.dense")) {
                s.put(p + m + ".weight", new long[] {HIDDEN, HIDDEN});
                s.put(p + m + ".bias", new long[] {HIDDEN});
            }
            s.put(p + "layernorm_after.weight", new long[] {HIDDEN});
            s.put(p + "layernorm_after.bias", new long[] {HIDDEN});
            s.put(p + "intermediate.dense.weight", new long[] {MLP, HIDDEN});
            s.put(p + "intermediate.dense.bias", new long[] {MLP});
            s.put(p + "output.dense.weight", new long[] {HIDDEN, MLP});
            s.put(p + "output.dense.bias", new long[] {HIDDEN});
        }
        s.put("layernorm.weight", new long[] {HIDDEN});
        s.put("layernorm.bias", new long[] {HIDDEN});
        s.put("pooler.dense.weight", new long[] {HIDDEN, HIDDEN});
        s.put("pooler.dense.bias", new long[] {HIDDEN});
        return s;
    }

    /** Names and parents: root, three children, two grandchildren each. */
    static Map<String, String> tree() {
        Map<String, String> parent = new LinkedHashMap<>();
        parent.put("syn-r0", null);
        for (int c = 0; c < 3; c++) {
            parent.put("syn-r0-c" + c, "syn-r0");
        }
        for (int c = 0; c < 3; c++) {
            for (int g = 0; g < 2; g++) {
                parent.put("syn-r0-c" + c + "-g" + g, "syn-r0-c" + c);
            }
        }
        return parent;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/vit-base-tree");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        write(dir, seed);
    }

    /** Writes the tree into {@code dir} (created if needed). */
    public static void write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Map<String, long[]> shapes = shapes();
        Map<String, String> parents = tree();
        List<String> names = new ArrayList<>(parents.keySet());
        List<TensorInfo> infos = new ArrayList<>();
        shapes.forEach((n, s) -> infos.add(new TensorInfo(n, DType.F32, s)));
        SafetensorsWriter[] writers = new SafetensorsWriter[names.size()];
        try {
            for (int i = 0; i < names.size(); i++) {
                writers[i] = SafetensorsWriter.create(dir.resolve(names.get(i) + ".safetensors"), infos, Map.of());
            }
            SplittableRandom rng = new SplittableRandom(seed);
            for (TensorInfo t : infos) {
                int count = (int) t.elementCount();
                boolean vector = t.rank() == 1;
                boolean norm = t.name().contains("layernorm") && t.name().endsWith("weight");
                Map<String, float[]> values = new LinkedHashMap<>();
                for (String model : names) {
                    String parent = parents.get(model);
                    float[] v = new float[count];
                    if (parent == null) {
                        for (int k = 0; k < count; k++) {
                            // Laplace with standard deviation 0.02: heavy-tailed, excess kurtosis 3
                            double u = rng.nextDouble() - 0.5;
                            double laplace = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u)) * (0.02 / Math.sqrt(2));
                            v[k] = norm ? 1.0f + (float) (laplace * 0.5) : (float) (vector ? laplace * 0.1 : laplace);
                        }
                    } else {
                        float[] p = values.get(parent);
                        double sd = vector ? 0.001 : 0.006;
                        for (int k = 0; k < count; k++) {
                            v[k] = (float) (p[k] + sd * rng.nextGaussian());
                        }
                    }
                    values.put(model, v);
                }
                for (int i = 0; i < names.size(); i++) {
                    writers[i].write(values.get(names.get(i)));
                }
            }
        } finally {
            for (SafetensorsWriter w : writers) {
                if (w != null) {
                    w.close();
                }
            }
        }
        StringBuilder gt = new StringBuilder("{\"models\": [\n");
        StringBuilder edges = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String p = parents.get(n);
            gt.append(String.format("  {\"name\": \"%s\", \"path\": \"%s.safetensors\", \"format\": \"safetensors\", "
                    + "\"dtype\": \"float32\", \"parent\": %s}%s%n", n, n, p == null ? "null" : "\"" + p + "\"",
                    i + 1 < names.size() ? "," : ""));
            if (p != null) {
                edges.append(edges.length() == 0 ? "" : ", ").append("[\"").append(p).append("\", \"").append(n).append("\"]");
            }
        }
        gt.append("],\n \"edges\": [").append(edges).append("]}\n");
        Files.writeString(dir.resolve("ground_truth.json"), gt.toString());
    }
}
