package org.modelheritage.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.modelheritage.lineage.DirectionEvidence;
import org.modelheritage.lineage.DirectionSignal;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * How often each direction signal points the right way along the true edges of generated forests,
 * per kind of derivation (and optimiser and weight decay for fine-tunes): the signal table of
 * {@code docs/lineage.md}. Reads {@code key.json} of forests made by {@code make_realistic.py}; an edge counts as
 * right for a signal when its evidence for parent -> child is positive, a tie (0) as half. Row decay,
 * which says nothing on most edges, is also counted as the edges it decides rightly and wrongly.
 *
 * <pre>java -cp heritage-server.jar org.modelheritage.eval.SignalTable FOREST...</pre>
 */
public final class SignalTable {
    private static final List<DirectionSignal> SIGNALS = List.of(DirectionSignal.NORM, DirectionSignal.SPECTRAL_TAIL,
            DirectionSignal.KURTOSIS, DirectionSignal.HEAD_ENERGY, DirectionSignal.ROW_DECAY);

    private SignalTable() {
    }

    /**
     * Command-line entry point: prints how each direction signal alone orients the edges of the
     * forests given as arguments. Exits with status 2 and a usage line when none is given.
     *
     * @param args the forest directories, each with a {@code key.json}
     * @throws Exception when a forest cannot be read
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: SignalTable FOREST...");
            System.exit(2);
        }
        ObjectMapper om = new ObjectMapper();
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, double[]> right = new TreeMap<>();
        Map<String, Integer> edges = new TreeMap<>();
        for (String f : args) {
            Path forest = Path.of(f);
            JsonNode key = om.readTree(forest.resolve("key.json").toFile()).get("models");
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = key.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            Map<String, ModelSignature> sig = new ConcurrentHashMap<>();
            names.parallelStream().forEach(n -> {
                try (WeightFile file = WeightReaders.open(forest.resolve("all").resolve(key.get(n).get("path").asText()))) {
                    sig.put(n, extractor.extract(file));
                } catch (Exception e) {
                    throw new IllegalStateException(n + ": " + e.getMessage(), e);
                }
            });
            for (String c : names) {
                JsonNode m = key.get(c);
                for (JsonNode p : m.get("parents")) {
                    String kind = m.get("edge_kind").asText();
                    JsonNode r = m.get("recipe");
                    String row = kind.equals("fine-tune") && r != null && !r.isNull()
                            ? kind + ", " + r.path("optimizer").asText() + ", wd " + r.path("weight_decay").asText()
                            : kind;
                    double[] counts = right.computeIfAbsent(row, k -> new double[SIGNALS.size() + 2]);
                    double[] all = right.computeIfAbsent("all edges", k -> new double[SIGNALS.size() + 2]);
                    edges.merge(row, 1, Integer::sum);
                    edges.merge("all edges", 1, Integer::sum);
                    for (int i = 0; i < SIGNALS.size(); i++) {
                        double e = DirectionEvidence.of(sig.get(p.get("name").asText()), sig.get(c), SIGNALS.get(i));
                        double score = e > 0 ? 1 : e == 0 ? 0.5 : 0;
                        counts[i] += score;
                        all[i] += score;
                        if (SIGNALS.get(i) == DirectionSignal.ROW_DECAY && e != 0) {
                            counts[SIGNALS.size() + (e > 0 ? 0 : 1)]++;
                            all[SIGNALS.size() + (e > 0 ? 0 : 1)]++;
                        }
                    }
                }
            }
        }
        StringBuilder head = new StringBuilder("| edges of kind | n |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (DirectionSignal s : SIGNALS) {
            head.append(' ').append(s.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" |");
            rule.append("---|");
        }
        head.append(" row decay decides: right | wrong |");
        rule.append("---|---|");
        System.out.println(head);
        System.out.println(rule);
        right.forEach((row, counts) -> {
            StringBuilder line = new StringBuilder("| " + row + " | " + edges.get(row) + " |");
            for (int i = 0; i < SIGNALS.size(); i++) {
                line.append(String.format(Locale.ROOT, " %.2f |", counts[i] / edges.get(row)));
            }
            line.append(String.format(Locale.ROOT, " %d | %d |", (int) counts[SIGNALS.size()], (int) counts[SIGNALS.size() + 1]));
            System.out.println(line);
        });
    }
}
