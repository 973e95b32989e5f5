package org.modelheritage.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * What {@code eval} reports: the corpus's metrics ({@link LineageMetrics}), and the found families
 * and edges by the names in {@code ground_truth.json} so anyone can recompute the figures.
 *
 * @param models the number of models evaluated
 * @param trueFamilies the number of true trees
 * @param foundFamilies the number of families found
 * @param adjustedRandIndex the found families against the true ones, in [-1, 1] (1: the same partition)
 * @param undirectedAccuracy the share of true edges found in either direction, in [0, 1]
 * @param directedAccuracy the share of true edges found in the right direction, in [0, 1]
 * @param rootAccuracy the share of true roots found as roots, in [0, 1]
 * @param seconds wall-clock time of the recovery, reading included
 * @param families the found families, each as the names of its members
 * @param edges found edges as (parent, child, confidence, kind); a merge has one per parent
 * @param expectedCalibrationError over every found edge, right meaning this parent in this
 *     direction is a true edge ({@link LineageMetrics#expectedCalibrationError}, 10 bins)
 * @param reliability per confidence bin: edges, mean confidence, accuracy
 * @param kinds what the corpus says of derivatives beyond plain edges: quantised copies labelled
 *     {@code quantized}, quantised copies found as roots or parents, merges with every true parent
 *     found (counts; empty for a corpus without kinds)
 */
public record EvalReport(int models, int trueFamilies, int foundFamilies, double adjustedRandIndex,
        double undirectedAccuracy, double directedAccuracy, double rootAccuracy, double seconds,
        List<List<String>> families, List<Edge> edges, double expectedCalibrationError, double[][] reliability,
        java.util.Map<String, Integer> kinds) {

    /**
     * A found edge, by names.
     *
     * @param parent     the parent's name
     * @param child      the child's name
     * @param confidence the edge's confidence, in [0, 1]
     * @param kind       the edge's kind as {@link org.modelheritage.lineage.EdgeKind#label()}
     */
    public record Edge(String parent, String child, double confidence, String kind) {
    }

    /**
     * Copies the families and edges.
     *
     * @param models                   the model count
     * @param trueFamilies             the true tree count
     * @param foundFamilies            the found family count
     * @param adjustedRandIndex        the partition agreement
     * @param undirectedAccuracy       the undirected edge accuracy
     * @param directedAccuracy         the directed edge accuracy
     * @param rootAccuracy             the root accuracy
     * @param seconds                  the recovery's wall-clock time
     * @param families                 not null; each copied
     * @param edges                    not null; copied
     * @param expectedCalibrationError the calibration error
     * @param reliability              rows of (edges, mean confidence, accuracy); not copied
     * @param kinds                    counts by name
     * @throws NullPointerException when {@code families}, {@code edges} or an element is null
     */
    public EvalReport {
        families = families.stream().map(List::copyOf).toList();
        edges = List.copyOf(edges);
    }

    /**
     * The report as one JSON object: {@code models}, {@code true_families}, {@code found_families},
     * {@code adjusted_rand_index}, the three accuracies, {@code seconds}, {@code families},
     * {@code edges} as [parent, child, confidence, kind], {@code expected_calibration_error},
     * {@code reliability} and {@code kinds}.
     *
     * @return the JSON text, on one line; confidences and errors rounded to 4 decimals, seconds to milliseconds
     */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        o.put("models", models);
        o.put("true_families", trueFamilies);
        o.put("found_families", foundFamilies);
        o.put("adjusted_rand_index", adjustedRandIndex);
        o.put("undirected_accuracy", undirectedAccuracy);
        o.put("directed_accuracy", directedAccuracy);
        o.put("root_accuracy", rootAccuracy);
        o.put("seconds", Math.round(seconds * 1000) / 1000.0);
        ArrayNode fams = o.putArray("families");
        for (List<String> f : families) {
            ArrayNode a = fams.addArray();
            f.forEach(a::add);
        }
        ArrayNode es = o.putArray("edges");
        for (Edge e : edges) {
            es.addArray().add(e.parent()).add(e.child()).add(Math.round(e.confidence() * 1e4) / 1e4).add(e.kind());
        }
        o.put("expected_calibration_error", Math.round(expectedCalibrationError * 1e4) / 1e4);
        ArrayNode rel = o.putArray("reliability");
        for (int b = 0; b < reliability.length; b++) {
            ObjectNode row = rel.addObject();
            row.put("from", b / (double) reliability.length).put("to", (b + 1) / (double) reliability.length)
                    .put("edges", (int) reliability[b][0]).put("mean_confidence", Math.round(reliability[b][1] * 1e4) / 1e4)
                    .put("accuracy", Math.round(reliability[b][2] * 1e4) / 1e4);
        }
        ObjectNode k = o.putObject("kinds");
        kinds.forEach(k::put);
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return a short human-readable table of the figures ({@link #figuresTable()}), then every edge as "parent -> child confidence"} */
    public String toTable() {
        StringBuilder sb = new StringBuilder(figuresTable());
        sb.append(System.lineSeparator()).append("edges (parent -> child, confidence):").append(System.lineSeparator());
        for (Edge e : edges) {
            sb.append(String.format(Locale.ROOT, "  %-28s -> %-28s %.3f%s%n", e.parent(), e.child(), e.confidence(),
                    e.kind().equals("fine-tune") ? "" : "  (" + e.kind() + ")"));
        }
        return sb.toString();
    }

    /** {@return the figures alone, one per line: models, families, the accuracies, the calibration error, the kinds' counts, seconds} */
    public String figuresTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", "models", models));
        sb.append(String.format(Locale.ROOT, "%-22s %d true, %d found%n", "families", trueFamilies, foundFamilies));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "adjusted Rand index", adjustedRandIndex));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "undirected accuracy", undirectedAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "directed accuracy", directedAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "root accuracy", rootAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "calibration error", expectedCalibrationError));
        kinds.forEach((name, v) -> sb.append(String.format(Locale.ROOT, "%-22s %d%n", name.replace('_', ' '), v)));
        sb.append(String.format(Locale.ROOT, "%-22s %.2f%n", "seconds", seconds));
        return sb.toString();
    }
}
