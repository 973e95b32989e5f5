package org.modelheritage.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Two models compared tensor by tensor ({@link WeightDiff#between}), with a summary of what the
 * difference looks like. Immutable.
 *
 * @param tensors the tensors both have (by canonical name), in name order
 * @param added canonical names only B has
 * @param removed canonical names only A has
 */
public record Comparison(List<TensorDelta> tensors, List<String> added, List<String> removed) {
    /** A whole model within this relative change counts as the same weights re-cast (F32 to BF16 is about 0.002). */
    static final double CAST_NOISE = 0.01;
    /** Below this cosine, on average over matrices, the weights are not related. */
    static final double UNRELATED_COSINE = 0.3;
    /** Of the matrices that changed, this share must be quantised for a quantised copy. */
    static final double QUANTIZED_SHARE = 0.5;

    /**
     * Copies the lists.
     *
     * @param tensors not null; copied
     * @param added   not null; copied
     * @param removed not null; copied
     * @throws NullPointerException when a list or an element is null
     */
    public Comparison {
        tensors = List.copyOf(tensors);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /** What the difference looks like. */
    public enum Verdict {
        /** The same weights: identical, or within the rounding of a dtype cast. */
        DUPLICATE,
        /** B is A quantised: at least half of the changed matrices sit on a quantisation grid. */
        QUANTIZED,
        /** B is A plus a low-rank update on most changed matrices (a merged LoRA and the like). */
        ADAPTER,
        /** B is A trained in full. */
        FINE_TUNE,
        /** Tensors were resized (a vocabulary grown or cut), possibly trained after. */
        RESIZE,
        /** No tensor in common, or weights that do not correlate: not relatives. */
        UNRELATED;

        /** {@return the name as JSON writes it: {@code fine-tune}, {@code unrelated}} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param verdict the kind of difference it looks like
     * @param text e.g. "looks like: adapter of rank ≈ 4 on query, value"
     * @param relativeChange ‖B − A‖ / ‖A‖ over every compared value
     * @param compared tensors compared; {@code changed} of them differ
     * @param adapterRank the adapter's rank (the largest of the low-rank matrices'), null unless ADAPTER
     * @param adaptedModules the matrices' module names the adapter changed (q_proj, value...)
     * @param mostMoved the (up to) three layers that moved most, with their relative change
     */
    public record Summary(Verdict verdict, String text, double relativeChange, int compared, int changed,
            Integer adapterRank, List<String> adaptedModules, Map<String, Double> mostMoved) {
        /**
         * Copies the collections (keeping {@code mostMoved}'s order).
         *
         * @param verdict        the kind of difference
         * @param text           the sentence for people
         * @param relativeChange the whole model's relative change
         * @param compared       tensors compared
         * @param changed        tensors that differ
         * @param adapterRank    the adapter's rank, or null
         * @param adaptedModules not null; copied
         * @param mostMoved      not null; copied
         * @throws NullPointerException when a collection is null
         */
        public Summary {
            adaptedModules = List.copyOf(adaptedModules);
            mostMoved = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mostMoved));
        }
    }

    /**
     * What the difference looks like, computed from the tensors on each call.
     *
     * @return the verdict, a sentence for people and the figures behind them
     */
    public Summary summary() {
        double normA = 0;
        double normDelta = 0;
        int compared = 0;
        int changed = 0;
        Map<String, double[]> byLayer = new LinkedHashMap<>();
        List<TensorDelta> changedMatrices = new ArrayList<>();
        double cosineSum = 0;
        int cosineCount = 0;
        int resized = 0;
        for (TensorDelta t : tensors) {
            if (Double.isNaN(t.normA())) {
                resized++;
                continue; // not comparable
            }
            compared++;
            normA += t.normA() * t.normA();
            normDelta += t.normDelta() * t.normDelta();
            if (t.status() == TensorDelta.Status.RESIZED) {
                resized++;
            }
            if (t.normDelta() > 0) {
                changed++;
                if (t.isMatrix()) {
                    changedMatrices.add(t);
                }
            }
            if (t.isMatrix() && !Double.isNaN(t.cosine())) {
                cosineSum += t.cosine();
                cosineCount++;
            }
            if (t.layer() != null) {
                double[] s = byLayer.computeIfAbsent(t.layer(), k -> new double[2]);
                s[0] += t.normA() * t.normA();
                s[1] += t.normDelta() * t.normDelta();
            }
        }
        double relative = normDelta == 0 ? 0 : normA == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(normDelta / normA);
        Map<String, Double> mostMoved = new LinkedHashMap<>();
        byLayer.entrySet().stream()
                .filter(e -> e.getValue()[1] > 0)
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[1] / e.getValue()[0])
                        .thenComparing(Map.Entry::getKey))
                .limit(3)
                .forEach(e -> mostMoved.put(e.getKey(), Math.sqrt(e.getValue()[1] / e.getValue()[0])));

        Verdict verdict;
        String text;
        Integer adapterRank = null;
        List<String> modules = List.of();
        long quantized = changedMatrices.stream().filter(t -> t.grid() != null).count();
        List<TensorDelta> lowRank = changedMatrices.stream()
                .filter(t -> t.rank() != null && t.rank() > 0 && t.rank() <= Math.max(1, t.rankCap() / 4)).toList();
        String resizeNote = resized > 0 ? "resized " + resized + " tensor" + (resized == 1 ? "" : "s") : null;
        if (compared == 0) {
            verdict = Verdict.UNRELATED;
            text = "no tensor in common";
        } else if (cosineCount > 0 && cosineSum / cosineCount < UNRELATED_COSINE) {
            verdict = Verdict.UNRELATED;
            text = "unrelated weights (independently trained)";
        } else if (changed == 0 && resized == 0) {
            verdict = Verdict.DUPLICATE;
            text = added.isEmpty() && removed.isEmpty() ? "duplicate (identical weights)"
                    : "duplicate (identical shared weights; tensors added or removed)";
        } else if (!changedMatrices.isEmpty() && quantized >= QUANTIZED_SHARE * changedMatrices.size()) {
            verdict = Verdict.QUANTIZED;
            text = "quantised copy (" + changedMatrices.stream().filter(t -> t.grid() != null).map(TensorDelta::grid)
                    .distinct().sorted().reduce((x, y) -> x + ", " + y).orElse("") + ")";
        } else if (relative <= CAST_NOISE && resized == 0) {
            verdict = Verdict.DUPLICATE;
            text = "duplicate (the same weights re-cast: relative change " + String.format(Locale.ROOT, "%.2g", relative) + ")";
        } else if (!lowRank.isEmpty() && changedMatrices.size() - lowRank.size() <= Math.max(1, changedMatrices.size() / 5)) {
            // a few matrices trained in full beside the adapter: a task head, as PEFT's modules_to_save
            verdict = Verdict.ADAPTER;
            adapterRank = lowRank.stream().mapToInt(TensorDelta::rank).max().orElse(0);
            modules = new ArrayList<>(new TreeSet<>(lowRank.stream().map(TensorDelta::moduleLeaf).toList()));
            text = "adapter of rank ≈ " + adapterRank + " on " + String.join(", ", modules);
            List<String> full = changedMatrices.stream().filter(t -> !lowRank.contains(t)).map(TensorDelta::module)
                    .distinct().sorted().toList();
            if (!full.isEmpty()) {
                text += " (also trained in full: " + String.join(", ", full) + ")";
            }
        } else if (resized > 0) {
            verdict = Verdict.RESIZE;
            text = resizeNote + (relative <= CAST_NOISE ? ", the shared weights the same up to rounding"
                    : ", then fine-tuned");
            resizeNote = null;
        } else {
            verdict = Verdict.FINE_TUNE;
            text = "full fine-tune";
        }
        if (resizeNote != null && verdict != Verdict.UNRELATED) {
            text += "; " + resizeNote;
        }
        return new Summary(verdict, "looks like: " + text, relative, compared, changed, adapterRank, modules, mostMoved);
    }
}
