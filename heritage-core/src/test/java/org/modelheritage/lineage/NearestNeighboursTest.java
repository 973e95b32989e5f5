package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The low-rank test on constructed pair tables. Which neighbour each model chose is read through
 * {@link NearestNeighbours#lowRank()}: every table below gives exactly one pair a low rank ratio,
 * so the verdict says whether the models that should have chosen that pair did.
 */
class NearestNeighboursTest {

    /** The cut: a family is low-rank when its median rank ratio is below it. */
    private static final double CUT = FamilyTreeBuilder.LOW_RANK_RATIO;
    private static final double LOW = CUT / 2;
    private static final double HIGH = (1 + CUT) / 2;

    /** A symmetric table of (energy, rank ratio) per unordered pair. */
    private static final class Table implements FamilyTreeBuilder.PairSource {
        private final Map<String, PairMetrics> pairs = new HashMap<>();

        Table pair(String a, String b, double energy, double rankRatio) {
            pairs.put(key(a, b), new PairMetrics(energy, energy, 0, rankRatio, 0, false, 0));
            return this;
        }

        @Override
        public PairMetrics metrics(String a, String b) {
            PairMetrics p = pairs.get(key(a, b));
            if (p == null) {
                throw new AssertionError("no pair " + a + ", " + b);
            }
            return p;
        }

        private static String key(String a, String b) {
            return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
        }
    }

    @Test
    void eachModelTakesItsNearestByEnergy() {
        // a's nearest is b (1 < 4), b's is a (1 < 2), c's is b (2 < 4): ratios [low, low, high],
        // median low
        Table t = new Table().pair("a", "b", 1, LOW).pair("a", "c", 4, HIGH).pair("b", "c", 2, HIGH);
        assertTrue(NearestNeighbours.of(List.of("a", "b", "c"), t).lowRank());
        // a moves nearer to c (0.5): a takes c, b still a, c takes a: [high, low, high], median high
        t.pair("a", "c", 0.5, HIGH);
        assertFalse(NearestNeighbours.of(List.of("a", "b", "c"), t).lowRank());
        // the vertex order does not matter
        assertFalse(NearestNeighbours.of(List.of("c", "a", "b"), t).lowRank());
    }

    @Test
    void equalEnergiesGoToTheSmallerId() {
        // a is as near to b as to c; only a-b has a low ratio. b's and c's nearest: b-a (1 < 3),
        // c-a (1 < 3). a takes b (the smaller id): [low, low, high]
        Table t = new Table().pair("a", "b", 1, LOW).pair("a", "c", 1, HIGH).pair("b", "c", 3, HIGH);
        assertTrue(NearestNeighbours.of(List.of("a", "b", "c"), t).lowRank());
        assertTrue(NearestNeighbours.of(List.of("c", "b", "a"), t).lowRank());
        // the low ratio on a-c instead: a still takes b, c takes a: [high, high, low]
        Table u = new Table().pair("a", "b", 1, HIGH).pair("a", "c", 1, LOW).pair("b", "c", 3, HIGH);
        assertFalse(NearestNeighbours.of(List.of("a", "b", "c"), u).lowRank());
        assertFalse(NearestNeighbours.of(List.of("c", "b", "a"), u).lowRank());
    }

    @Test
    void anUndefinedEnergyIsNeverNearest() {
        // a-b's energy is NaN: a takes c although the NaN pair carries the low ratio
        Table t = new Table().pair("a", "b", Double.NaN, LOW).pair("a", "c", 5, HIGH).pair("b", "c", 9, HIGH);
        assertFalse(NearestNeighbours.of(List.of("a", "b", "c"), t).lowRank());
        // a-c's energy NaN instead: a and b take each other
        Table u = new Table().pair("a", "b", 5, LOW).pair("a", "c", Double.NaN, HIGH).pair("b", "c", 9, HIGH);
        assertTrue(NearestNeighbours.of(List.of("a", "b", "c"), u).lowRank());
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        // two tight pairs, a-b and c-d, far from each other: ratios [x, x, y, y], median (x + y) / 2.
        // x = 0.4 cut, y = 1.5 cut: the median 0.95 cut is below the cut, the upper middle value alone is not
        assertTrue(twoPairs(0.4 * CUT, 1.5 * CUT).lowRank());
        // y = 1.7 cut: the median 1.05 cut is not below it, the lower middle value alone is
        assertFalse(twoPairs(0.4 * CUT, 1.7 * CUT).lowRank());
        // exactly the cut is not low
        assertFalse(twoPairs(CUT, CUT).lowRank());
        assertTrue(twoPairs(0.8 * CUT, 1.1 * CUT).lowRank());
    }

    private static NearestNeighbours twoPairs(double x, double y) {
        Table t = new Table().pair("a", "b", 1, x).pair("c", "d", 1, y);
        for (String p : List.of("a", "b")) {
            for (String q : List.of("c", "d")) {
                t.pair(p, q, 10, HIGH);
            }
        }
        return NearestNeighbours.of(List.of("a", "b", "c", "d"), t);
    }

    @Test
    void oneModelIsNeverLowRankTwoAreTheirPairs() {
        Table t = new Table().pair("a", "b", 1, LOW);
        assertFalse(NearestNeighbours.of(List.of("a"), t).lowRank());
        assertTrue(NearestNeighbours.of(List.of("a", "b"), t).lowRank());
        assertFalse(NearestNeighbours.of(List.of("a", "b"), new Table().pair("a", "b", 1, CUT)).lowRank());
        assertFalse(NearestNeighbours.of(List.of(), t).lowRank());
    }

    @Test
    void growingByAVertexTakesItWhereItIsNearer() {
        // a, b, c: a-b low and nearest for a and b: [low, low, high] -> low rank
        Table t = new Table().pair("a", "b", 2, LOW).pair("a", "c", 5, HIGH).pair("b", "c", 6, HIGH)
                .pair("a", "d", 1, HIGH).pair("b", "d", 1.5, HIGH).pair("c", "d", 7, HIGH);
        NearestNeighbours three = NearestNeighbours.of(List.of("a", "b", "c"), t);
        assertTrue(three.lowRank());
        // d comes in nearer to a (1) and b (1.5) than they are to each other: all four take a
        // high-ratio pair (a-d, b-d, c-a, d-a)
        NearestNeighbours four = three.with(List.of("a", "b", "c"), "d",
                new PairMetrics[] {t.metrics("a", "d"), t.metrics("b", "d"), t.metrics("c", "d")});
        assertFalse(four.lowRank());
        assertFalse(NearestNeighbours.of(List.of("a", "b", "c", "d"), t).lowRank());
    }

    @Test
    void growingOneVertexAtATimeAgreesWithTheWholeTable() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + rng.nextInt(7);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add("m" + (char) ('a' + rng.nextInt(26)) + i);
            }
            Table t = new Table();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    // few distinct energies, so ties are common
                    t.pair(ids.get(i), ids.get(j), 1 + rng.nextInt(3), rng.nextDouble());
                }
            }
            NearestNeighbours grown = NearestNeighbours.of(ids.subList(0, 1), t);
            for (int k = 1; k < n; k++) {
                PairMetrics[] toAdded = new PairMetrics[k];
                for (int i = 0; i < k; i++) {
                    toAdded[i] = t.metrics(ids.get(i), ids.get(k));
                }
                grown = grown.with(ids.subList(0, k), ids.get(k), toAdded);
                assertEquals(NearestNeighbours.of(ids.subList(0, k + 1), t).lowRank(), grown.lowRank(),
                        "trial " + trial + " after " + (k + 1) + " of " + ids);
            }
        }
    }
}
