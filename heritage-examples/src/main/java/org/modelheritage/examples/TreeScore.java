package org.modelheritage.examples;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a recovered forest compares with the known one, by the metrics of the development corpus
 * ({@code ../shared/corpus/README.md}): the share of true parent → child edges found (directed,
 * and ignoring direction), the share of true roots found as roots, and whether the families are
 * exactly the true trees.
 *
 * @param trueEdges        true parent → child edges
 * @param directedFound    of those, found with the right direction
 * @param undirectedFound  of those, found in either direction
 * @param trueRoots        true roots
 * @param rootsFound       of those, found without a parent
 * @param trueFamilies     number of true trees
 * @param foundFamilies    number of families found
 * @param familiesExact    the families found are exactly the true trees (member for member)
 */
public record TreeScore(int trueEdges, int directedFound, int undirectedFound, int trueRoots, int rootsFound,
                        int trueFamilies, int foundFamilies, boolean familiesExact) {

    public double directedAccuracy() {
        return trueEdges == 0 ? 1 : (double) directedFound / trueEdges;
    }

    public double undirectedAccuracy() {
        return trueEdges == 0 ? 1 : (double) undirectedFound / trueEdges;
    }

    public double rootAccuracy() {
        return trueRoots == 0 ? 1 : (double) rootsFound / trueRoots;
    }

    /**
     * @param truth          true edges as [parent, child] names
     * @param roots          true roots
     * @param trueFamilies   the true trees, as sets of names
     * @param found          recovered edges as [parent, child] names
     * @param foundFamilies  the families found, as sets of names
     */
    public static TreeScore of(List<List<String>> truth, Collection<String> roots, Collection<Set<String>> trueFamilies,
                               List<List<String>> found, Collection<Set<String>> foundFamilies) {
        Set<List<String>> directed = new HashSet<>(found);
        Set<Set<String>> undirected = new HashSet<>();
        Map<String, String> parentOf = new HashMap<>();
        for (List<String> e : found) {
            undirected.add(Set.of(e.get(0), e.get(1)));
            parentOf.put(e.get(1), e.get(0));
        }
        int d = 0;
        int u = 0;
        for (List<String> e : truth) {
            if (directed.contains(e)) {
                d++;
            }
            if (undirected.contains(Set.of(e.get(0), e.get(1)))) {
                u++;
            }
        }
        int r = (int) roots.stream().filter(root -> !parentOf.containsKey(root)).count();
        boolean exact = new HashSet<>(trueFamilies).equals(new HashSet<>(foundFamilies));
        return new TreeScore(truth.size(), d, u, roots.size(), r, trueFamilies.size(), foundFamilies.size(), exact);
    }

    @Override
    public String toString() {
        return String.format("directed accuracy %.3f (%d of %d true edges), undirected %.3f (%d of %d), "
                        + "roots %d of %d, families found %d of %d true%s",
                directedAccuracy(), directedFound, trueEdges, undirectedAccuracy(), undirectedFound, trueEdges,
                rootsFound, trueRoots, foundFamilies, trueFamilies, familiesExact ? " (exactly the true trees)" : "");
    }
}
