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

        List<Family> families = new FamilyClustering().cluster(models);
        assertEquals(4, families.size());
        assertEquals(List.of("other"), families.get(0).members());
        assertEquals(List.of("r0", "r0-c", "r0-c-g"), families.get(1).members());
        assertEquals("r0", families.get(1).id());
        assertEquals(List.of("r2", "r2-c", "r2-c-g"), families.get(3).members());

        double unrelated = WeightCorrelation.between(models.get("r0"), models.get("r1"));
        double related = WeightCorrelation.between(models.get("r0"), models.get("r0-c-g"));
        assertTrue(Math.abs(unrelated) < 0.05, "independent initialisations: " + unrelated);
        assertTrue(related > 0.5, "root and far grandchild: " + related);
    }

    @Test
    void thresholdMustBeAProperCorrelation() {
        assertThrows(IllegalArgumentException.class, () -> new FamilyClustering(0));
        assertThrows(IllegalArgumentException.class, () -> new FamilyClustering(1.5));
        assertEquals(0.3, new FamilyClustering().threshold(), 0.0);
    }
}
