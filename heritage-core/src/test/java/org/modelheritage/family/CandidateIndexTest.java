package org.modelheritage.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a probe asks of the candidate lists: the candidates a model would have, without adding it. */
class CandidateIndexTest {

    /** Unit vectors in clusters (relatives near one another), with some exact ties between copies. */
    private static List<float[]> embeddings(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<float[]> centres = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            centres.add(gaussian(rng, 1.0));
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 9 == 8) {
                out.add(out.get(i - 1).clone()); // an exact copy: equal distances, ties to the smaller id
                continue;
            }
            float[] c = centres.get(rng.nextInt(centres.size()));
            float[] noise = gaussian(rng, 0.3);
            float[] v = new float[SketchEmbedding.DIMENSIONS];
            for (int j = 0; j < v.length; j++) {
                v[j] = c[j] + noise[j];
            }
            out.add(unit(v));
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom rng, double sd) {
        float[] v = new float[SketchEmbedding.DIMENSIONS];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (sd * rng.nextGaussian() / Math.sqrt(v.length));
        }
        return v;
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void listsBuiltAtOnceAreTheListsOfAddingOneByOne() {
        for (long seed = 1; seed <= 3; seed++) {
            List<float[]> e = embeddings(120, seed);
            CandidateIndex oneByOne = new CandidateIndex(8);
            java.util.Map<String, float[]> all = new java.util.LinkedHashMap<>();
            for (int i = e.size() - 1; i >= 0; i--) { // another order than the bulk one's
                oneByOne.add(String.format("m%03d", i), "arch", e.get(i));
            }
            for (int i = 0; i < e.size(); i++) {
                all.put(String.format("m%03d", i), e.get(i));
            }
            CandidateIndex atOnce = new CandidateIndex(8);
            atOnce.add("other", "another arch", e.get(0));
            atOnce.addAll("arch", all);
            assertEquals(e.size(), atOnce.size("arch"));
            for (String id : all.keySet()) {
                assertEquals(oneByOne.nearest(id), atOnce.nearest(id), id);
                assertEquals(oneByOne.candidates(id), atOnce.candidates(id), id);
            }
            // models added later go one by one, to the same lists
            float[] late = e.get(5).clone();
            List<String[]> droppedOne = oneByOne.add("z", "arch", late);
            List<String[]> droppedAtOnce = atOnce.add("z", "arch", late);
            assertEquals(droppedOne.stream().map(List::of).collect(java.util.stream.Collectors.toSet()),
                    droppedAtOnce.stream().map(List::of).collect(java.util.stream.Collectors.toSet()));
            assertFalse(droppedOne.isEmpty());
            for (String id : all.keySet()) {
                assertEquals(oneByOne.nearest(id), atOnce.nearest(id), id);
            }
        }
    }

    @Test
    void candidatesIfAddedAreTheCandidatesAfterTheAdd() {
        List<float[]> e = embeddings(80, 7);
        CandidateIndex index = new CandidateIndex(6);
        index.add("other-architecture", "b", e.get(0));
        for (int i = 0; i < e.size(); i++) {
            String id = String.format("m%02d", i);
            int before = index.size("a");
            Set<String> firstsBefore = index.candidates("m00");
            Set<String> predicted = index.candidatesIfAdded(id, "a", e.get(i));
            assertEquals(before, index.size("a"), "the index is left as it was");
            assertEquals(firstsBefore, index.candidates("m00"));
            assertFalse(index.contains(id));
            index.add(id, "a", e.get(i));
            assertEquals(index.candidates(id), predicted, id);
            assertFalse(predicted.contains("other-architecture"));
        }
        assertEquals(Set.of(), index.candidatesIfAdded("x", "c", e.get(1)), "no model of the architecture");
    }

    @Test
    void aCopyChangesIndependently() {
        List<float[]> e = embeddings(40, 11);
        CandidateIndex index = new CandidateIndex(5);
        for (int i = 0; i < 30; i++) {
            index.add(String.format("m%02d", i), "a", e.get(i));
        }
        index.add("z", "b", e.get(39));
        CandidateIndex copy = index.copyOf("a");
        assertFalse(copy.contains("z"), "only the architecture asked for");
        for (int i = 0; i < 30; i++) {
            String id = String.format("m%02d", i);
            assertEquals(index.candidates(id), copy.candidates(id), id);
            assertEquals(index.nearest(id), copy.nearest(id), id);
        }
        // the copy takes more models (as a probe's scratch index does); the original does not see them
        List<Set<String>> before = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            before.add(index.candidates(String.format("m%02d", i)));
        }
        for (int i = 30; i < 39; i++) {
            copy.add(String.format("m%02d", i), "a", e.get(i));
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(before.get(i), index.candidates(String.format("m%02d", i)));
        }
        assertEquals(30, index.size("a"));
        assertEquals(39, copy.size("a"));
        // and what the copy now holds is what an index given the same models holds
        CandidateIndex direct = new CandidateIndex(5);
        for (int i = 0; i < 39; i++) {
            direct.add(String.format("m%02d", i), "a", e.get(i));
        }
        for (int i = 0; i < 39; i++) {
            String id = String.format("m%02d", i);
            assertEquals(direct.candidates(id), copy.candidates(id), id);
        }
        assertTrue(copy.candidates("m00").size() >= 5);
    }
}
