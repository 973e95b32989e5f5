package org.modelheritage.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.LineageIndex;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * Scripted: add time against the size of a hub family, in process. Adds N synthetic hub models (a
 * third fine-tunes of the root, the rest of a random earlier member, as {@code SparseLineageTest}
 * makes them) one at a time to a {@link LineageIndex} with the default settings, asking for the
 * family's tree after each add as the lake does, and prints the median and 99th percentile of the
 * add (add + tree) per range of family sizes.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.HubAddBench 10000
 * </pre>
 */
public final class HubAddBench {
    private HubAddBench() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int[] parent = new int[n];
        SplittableRandom rng = new SplittableRandom(2026);
        parent[0] = -1;
        for (int i = 1; i < n; i++) {
            parent[i] = rng.nextDouble() < 0.33 ? 0 : rng.nextInt(i);
        }
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor());
        Map<Integer, Map<String, float[]>> memo = new HashMap<>();
        long[] took = new long[n];
        int step = Math.max(100, n / 20);
        for (int i = 0; i < n; i++) {
            ModelSignature s = extractor.extract(SyntheticModels.file(weights(i, parent, memo)));
            if (memo.size() > 64) {
                memo.clear();
            }
            String id = String.format("m%05d", i);
            long t0 = System.nanoTime();
            index.add(id, s);
            index.treeOf(id).orElseThrow();
            took[i] = System.nanoTime() - t0;
            if ((i + 1) % step == 0) {
                long[] r = Arrays.copyOfRange(took, i + 1 - step, i + 1);
                Arrays.sort(r);
                System.out.printf("hub-add n=%d-%d median %.2f ms p99 %.2f ms max %.2f ms%n", i + 2 - step, i + 1,
                        r[r.length / 2] / 1e6, r[(int) Math.ceil(r.length * 0.99) - 1] / 1e6, r[r.length - 1] / 1e6);
            }
        }
        System.out.println("hub-add builds " + index.treeBuilds());
    }

    /** Model i's weights: its parent's plus a fine-tuning step (parents recomputed along the path). */
    private static Map<String, float[]> weights(int i, int[] parent, Map<Integer, Map<String, float[]>> memo) {
        Map<String, float[]> w = memo.get(i);
        if (w != null) {
            return w;
        }
        List<Integer> path = new ArrayList<>();
        int m = i;
        while (m >= 0 && !memo.containsKey(m)) {
            path.add(m);
            m = parent[m];
        }
        w = m >= 0 ? memo.get(m) : null;
        for (int k = path.size() - 1; k >= 0; k--) {
            int x = path.get(k);
            w = x == 0 ? SyntheticModels.root(11) : SyntheticModels.fineTune(w, 0.006, 1000 + x);
        }
        memo.put(i, w);
        return w;
    }
}
