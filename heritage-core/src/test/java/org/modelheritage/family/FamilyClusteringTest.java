package org.modelheritage.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.InMemoryWeightFile;
import org.modelheritage.testing.SyntheticModels;

class FamilyClusteringTest {

    @Test
    void independentRootsSplitAndFineTunesJoinTheirRoot() throws IOException {
        SignatureExtractor x = new SignatureExtractor();
        Map<String, ModelSignature> models = new HashMap<>();
        for (int r = 0; r < 3; r++) {
            Map<String, float[]> root = SyntheticModels.root(1000 + r);
            Map<String, float[]> child = SyntheticModels.fineTune(root, 0.01, 2000 + r);
            // a far-moved grandchild (relative move 1.5) still links to its parent
            Map<String, float[]> far = SyntheticModels.fineTune(child, 0.03, 3000 + r);
            models.put("r" + r, x.extract(SyntheticModels.file(root)));
            models.put("r" + r + "-c", x.extract(SyntheticModels.file(child)));
            models.put("r" + r + "-c-g", x.extract(SyntheticModels.file(far)));
        }
        // another structure with the same values as r0 can never join it
        InMemoryWeightFile other = new InMemoryWeightFile().put("w", new long[] {48, 48},
                SyntheticModels.root(1000).get("layer.0.attention.query.weight"));
        models.put("other", x.extract(other));

        List<ModelCluster> families = new FamilyClustering().cluster(models);
        assertEquals(4, families.size());
        assertEquals(List.of("other"), families.get(0).members());
        assertEquals(List.of("r0", "r0-c", "r0-c-g"), families.get(1).members());
        assertEquals("r0", families.get(1).firstMember());
        assertEquals(List.of("r2", "r2-c", "r2-c-g"), families.get(3).members());

        double unrelated = WeightCorrelation.between(models.get("r0"), models.get("r1"));
        double related = WeightCorrelation.between(models.get("r0"), models.get("r0-c-g"));
        assertTrue(Math.abs(unrelated) < 0.05, "independent initialisations: " + unrelated);
        assertTrue(related > 0.5, "root and far grandchild: " + related);
    }

    @Test
    void addingModelsOneByOneGivesTheComponentsOfAllLinks() {
        java.util.Random rng = new java.util.Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rng.nextInt(14);
            Map<String, ModelSignature> models = new java.util.TreeMap<>();
            Map<String, Double> corr = new HashMap<>();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(String.format("m%02d", i));
            }
            java.util.Collections.shuffle(ids, rng);
            for (String a : ids) {
                for (String b : ids) {
                    if (a.compareTo(b) < 0) {
                        corr.put(a + b, rng.nextDouble() < 0.15 ? 0.9 : 0.01);
                    }
                }
            }
            FamilyClustering.CorrelationSource source = (a, b) -> {
                assertTrue(a.compareTo(b) < 0, "asked in id order");
                return corr.get(a + b);
            };
            FamilyClustering clustering = new FamilyClustering();
            List<ModelCluster> grown = List.of();
            for (String id : ids) {
                // two structures: the last letter of the id's number decides
                String structure = (id.charAt(2) - '0') % 2 == 0 ? "even" : "odd";
                models.put(id, signature(structure));
                grown = clustering.withModel(grown, id, models.get(id).architecture(), source);
                assertEquals(clustering.cluster(models, source), grown, "trial " + trial + " after " + id);
            }
        }
    }

    /** A signature with nothing but a structural hash (the clustering reads no weights itself). */
    private static ModelSignature signature(String structure) {
        try {
            // the architecture is the lineage matrices' names and shapes: one square matrix named after it
            ModelSignature s = new SignatureExtractor().extract(new InMemoryWeightFile().put(structure, new long[] {2, 2},
                    new float[] {1, 2, 3, 4}));
            return new ModelSignature(structure, s.parameterCount(), s.layerCount(), s.tensors(), List.copyOf(s.sketches().values()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void thresholdMustBeAProperCorrelation() {
        assertThrows(IllegalArgumentException.class, () -> new FamilyClustering(0));
        assertThrows(IllegalArgumentException.class, () -> new FamilyClustering(1.5));
        assertEquals(0.3, new FamilyClustering().threshold(), 0.0);
    }
}
