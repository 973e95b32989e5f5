package org.modelheritage.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * What {@code eval} reports: the corpus README's metrics, and the found families and edges by
 * the names in {@code ground_truth.json} so anyone can recompute the figures.
 *
 * @param edges found edges as (parent, child, confidence)
 */
public record EvalReport(int models, int trueFamilies, int foundFamilies, double adjustedRandIndex,
        double undirectedAccuracy, double directedAccuracy, double rootAccuracy, double seconds,
        List<List<String>> families, List<Edge> edges) {

    /** A found edge, by names. */
    public record Edge(String parent, String child, double confidence, String kind) {
    }

    public EvalReport {
        families = families.stream().map(List::copyOf).toList();
        edges = List.copyOf(edges);
    }

    /** Exactly one JSON object with the keys the issue lists. */
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
            es.addArray().add(e.parent()).add(e.child()).add(Math.round(e.confidence() * 1e4) / 1e4);
        }
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short human-readable table. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", "models", models));
        sb.append(String.format(Locale.ROOT, "%-22s %d true, %d found%n", "families", trueFamilies, foundFamilies));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "adjusted Rand index", adjustedRandIndex));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "undirected accuracy", undirectedAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "directed accuracy", directedAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.3f%n", "root accuracy", rootAccuracy));
        sb.append(String.format(Locale.ROOT, "%-22s %.2f%n", "seconds", seconds));
        sb.append(System.lineSeparator()).append("edges (parent -> child, confidence):").append(System.lineSeparator());
        for (Edge e : edges) {
            sb.append(String.format(Locale.ROOT, "  %-28s -> %-28s %.3f%s%n", e.parent(), e.child(), e.confidence(),
                    e.kind().equals("FINE_TUNE") ? "" : "  (" + e.kind().toLowerCase(Locale.ROOT) + ")"));
        }
        return sb.toString();
    }
}
