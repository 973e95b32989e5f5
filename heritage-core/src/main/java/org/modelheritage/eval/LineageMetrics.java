package org.modelheritage.eval;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The metrics lineage recovery is scored by, as the development corpus defines them: family
 * agreement (adjusted Rand index), edge accuracy with and without direction, root accuracy, and
 * calibration of the edges' confidence.
 */
public final class LineageMetrics {
    private LineageMetrics() {
    }

    /**
     * Adjusted Rand index (Hubert and Arabie) between two labelings of the same items: 1 for
     * identical partitions, about 0 for independent ones. Two single-cluster (or two all-singleton)
     * partitions of the same items are identical: 1.
     *
     * @param truth each item's true label (its tree, say)
     * @param found each item's found label, over the same items
     * @return the index, at most 1; negative when the agreement is below chance
     * @throws IllegalArgumentException when the two maps cover different items
     */
    public static double adjustedRandIndex(Map<String, String> truth, Map<String, String> found) {
        if (!truth.keySet().equals(found.keySet())) {
            throw new IllegalArgumentException("the two labelings cover different items");
        }
        Map<String, Map<String, Integer>> table = new HashMap<>();
        Map<String, Integer> a = new HashMap<>();
        Map<String, Integer> b = new HashMap<>();
        for (String item : truth.keySet()) {
            String t = truth.get(item);
            String f = found.get(item);
            table.computeIfAbsent(t, k -> new HashMap<>()).merge(f, 1, Integer::sum);
            a.merge(t, 1, Integer::sum);
            b.merge(f, 1, Integer::sum);
        }
        double index = 0;
        for (Map<String, Integer> row : table.values()) {
            for (int nij : row.values()) {
                index += choose2(nij);
            }
        }
        double sumA = a.values().stream().mapToDouble(LineageMetrics::choose2).sum();
        double sumB = b.values().stream().mapToDouble(LineageMetrics::choose2).sum();
        double total = choose2(truth.size());
        if (total == 0) {
            return 1.0;
        }
        double expected = sumA * sumB / total;
        double max = 0.5 * (sumA + sumB);
        if (max == expected) {
            return 1.0; // both partitions trivial in the same way
        }
        return (index - expected) / (max - expected);
    }

    private static double choose2(double n) {
        return n * (n - 1) / 2;
    }

    /**
     * Share of the true edges found with their direction.
     *
     * @param trueEdges the true edges as [parent, child]
     * @param found     the found edges as [parent, child]
     * @return the share in [0, 1]; 1 when there is no true edge
     */
    public static double directedAccuracy(Collection<List<String>> trueEdges, Collection<List<String>> found) {
        if (trueEdges.isEmpty()) {
            return 1.0;
        }
        Set<List<String>> f = new HashSet<>(found);
        return (double) trueEdges.stream().filter(f::contains).count() / trueEdges.size();
    }

    /**
     * Share of the true edges found in either direction.
     *
     * @param trueEdges the true edges as [parent, child]
     * @param found     the found edges as [parent, child]
     * @return the share in [0, 1]; 1 when there is no true edge
     */
    public static double undirectedAccuracy(Collection<List<String>> trueEdges, Collection<List<String>> found) {
        if (trueEdges.isEmpty()) {
            return 1.0;
        }
        Set<Set<String>> f = new HashSet<>();
        for (List<String> e : found) {
            f.add(Set.of(e.get(0), e.get(1)));
        }
        return (double) trueEdges.stream().filter(e -> f.contains(Set.of(e.get(0), e.get(1)))).count() / trueEdges.size();
    }

    /**
     * Share of the true roots that were found without a parent.
     *
     * @param trueRoots the true roots' names
     * @param found     the found edges as [parent, child]
     * @return the share in [0, 1]; 1 when there is no true root
     */
    public static double rootAccuracy(Collection<String> trueRoots, Collection<List<String>> found) {
        if (trueRoots.isEmpty()) {
            return 1.0;
        }
        Set<String> children = new HashSet<>();
        for (List<String> e : found) {
            children.add(e.get(1));
        }
        return (double) trueRoots.stream().filter(r -> !children.contains(r)).count() / trueRoots.size();
    }

    /**
     * Expected calibration error: edges binned by confidence into {@code bins} equal-width bins
     * ([0, 0.1), ..., [0.9, 1]), the mean over bins of |accuracy - mean confidence| weighted by
     * the bin's share of edges. 0 for no edges.
     *
     * @param confidence each edge's confidence
     * @param right whether each edge is right
     * @param bins the number of equal-width bins over [0, 1], at least 1
     * @return the error in [0, 1]
     */
    public static double expectedCalibrationError(double[] confidence, boolean[] right, int bins) {
        return calibrationError(reliability(confidence, right, bins));
    }

    /**
     * The reliability table behind {@link #expectedCalibrationError}.
     *
     * @param confidence each edge's confidence
     * @param right      whether each edge is right, index for index
     * @param bins       the number of equal-width bins over [0, 1], at least 1
     * @return per bin {edges, mean confidence, accuracy}; zeros for an empty bin
     */
    public static double[][] reliability(double[] confidence, boolean[] right, int bins) {
        double[][] t = new double[bins][3];
        for (int i = 0; i < confidence.length; i++) {
            int b = Math.min(bins - 1, (int) Math.floor(confidence[i] * bins));
            t[b][0]++;
            t[b][1] += confidence[i];
            t[b][2] += right[i] ? 1 : 0;
        }
        for (double[] row : t) {
            if (row[0] > 0) {
                row[1] /= row[0];
                row[2] /= row[0];
            }
        }
        return t;
    }

    /**
     * The reliability table of several sets of edges taken as one (the edges of many forests): per
     * bin the edges add up, and the mean confidence and accuracy are weighted by each table's edges.
     *
     * @param tables tables of {@link #reliability} with the same number of bins
     * @return per bin {edges, mean confidence, accuracy}; zeros for an empty bin
     */
    public static double[][] pooledReliability(Collection<double[][]> tables) {
        double[][] pooled = null;
        for (double[][] t : tables) {
            if (pooled == null) {
                pooled = new double[t.length][3];
            }
            for (int b = 0; b < t.length; b++) {
                pooled[b][0] += t[b][0];
                pooled[b][1] += t[b][0] * t[b][1];
                pooled[b][2] += t[b][0] * t[b][2];
            }
        }
        if (pooled == null) {
            return new double[0][3];
        }
        for (double[] row : pooled) {
            if (row[0] > 0) {
                row[1] /= row[0];
                row[2] /= row[0];
            }
        }
        return pooled;
    }

    /**
     * The expected calibration error a reliability table gives: the mean over bins of |accuracy -
     * mean confidence| weighted by the bin's share of edges; 0 for no edges.
     *
     * @param table per bin {edges, mean confidence, accuracy}
     * @return the error in [0, 1]
     */
    public static double calibrationError(double[][] table) {
        double n = 0;
        for (double[] row : table) {
            n += row[0];
        }
        double ece = 0;
        for (double[] row : table) {
            if (row[0] > 0) {
                ece += row[0] / n * Math.abs(row[2] - row[1]);
            }
        }
        return ece;
    }

    /**
     * A reliability table as text: one line per bin that holds edges,
     * {@code "  confidence 0.9-1.0:   215 edges, mean confidence 0.972, right 0.949"}.
     *
     * @param table per bin {edges, mean confidence, accuracy}, bins of equal width over [0, 1]
     * @return the lines, each ending with a line separator; empty for no edges
     */
    public static String reliabilityLines(double[][] table) {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < table.length; b++) {
            if (table[b][0] > 0) {
                sb.append(String.format(Locale.ROOT, "  confidence %.1f-%.1f: %5d edges, mean confidence %.3f, right %.3f%n",
                        b / (double) table.length, (b + 1) / (double) table.length, (int) table[b][0], table[b][1],
                        table[b][2]));
            }
        }
        return sb.toString();
    }
}
