package org.modelheritage.family;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Each model's likely relatives: its {@code k} nearest models of the same architecture by
 * {@link SketchEmbedding} distance (ties to the smaller id), exact over the current set of
 * models. A model's candidates are its own nearest and the models that count it among theirs
 * (the symmetric k-nearest-neighbour graph), so the candidate pairs number at most {@code n k}
 * and depend only on which models are in, never on the order they came.
 *
 * <p>Why a tree built on candidate pairs is the exact one: the minimum spanning tree of a graph
 * holding every edge of the complete graph's minimum spanning tree is that tree (any other edge is
 * the longest on some cycle), and a fine-tune's parent is among its nearest models (a sibling sits
 * about 1.4 fine-tuning steps away, an unrelated model has no correlation): a tree edge is lost only
 * where both ends have k or more models nearer than each other (two hubs), and then only that edge
 * moves. docs/hub-scale.md has the measurements.
 *
 * <p>Adding a model costs one distance per model of its architecture ({@link SketchEmbedding#DIMENSIONS}
 * multiply-adds each: about a millisecond for 10,000 models) and updates the lists it enters;
 * removing one recomputes the lists it was in. Memory: the embeddings and k neighbours per model.
 * Not thread-safe: its owner's lock guards it.
 */
public final class CandidateIndex {
    /** Nearest models kept per model, unless the constructor says otherwise. */
    public static final int DEFAULT_K = Integer.getInteger("mh.candidates", 16);

    private final int k;
    private final Map<String, Space> byArchitecture = new HashMap<>();
    private final Map<String, String> architectureOf = new HashMap<>();

    /** An empty index keeping {@link #DEFAULT_K} nearest models per model ({@code -Dmh.candidates}, 16 unless set). */
    public CandidateIndex() {
        this(DEFAULT_K);
    }

    /**
     * An empty index keeping {@code k} nearest models per model.
     *
     * @param k nearest models kept per model, at least 1
     * @throws IllegalArgumentException when {@code k} is below 1
     */
    public CandidateIndex(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        this.k = k;
    }

    /** {@return how many nearest models are kept per model} */
    public int k() {
        return k;
    }

    /**
     * Adds a model; a model already in is replaced.
     *
     * @param id           the model's id
     * @param architecture its {@link org.modelheritage.signature.ModelSignature#architecture()}; only
     *                     models of the same architecture are neighbours
     * @param embedding    its {@link SketchEmbedding}, {@link SketchEmbedding#DIMENSIONS} values; kept, not copied
     * @return the pairs {@code {owner, dropped}} where the new model pushed {@code dropped} off
     *     {@code owner}'s nearest: the candidate pairs it may have removed (a pair stays a candidate
     *     while either end lists the other, see {@link #isCandidatePair})
     */
    public List<String[]> add(String id, String architecture, float[] embedding) {
        remove(id);
        architectureOf.put(id, architecture);
        return byArchitecture.computeIfAbsent(architecture, a -> new Space()).add(id, embedding);
    }

    /**
     * Adds models of one architecture: the lists {@link #add} gives when adding them one by one, in
     * any order (they depend on the set only). When the architecture has no model yet, the lists
     * are built at once, every model's on its own core.
     *
     * @param architecture the models' architecture (see {@link #add})
     * @param embeddings   each model's embedding, by id; kept, not copied
     */
    public void addAll(String architecture, Map<String, float[]> embeddings) {
        Space space = byArchitecture.get(architecture);
        if ((space != null && space.size() > 0) || embeddings.keySet().stream().anyMatch(architectureOf::containsKey)) {
            embeddings.forEach((id, e) -> add(id, architecture, e));
            return;
        }
        embeddings.keySet().forEach(id -> architectureOf.put(id, architecture));
        byArchitecture.computeIfAbsent(architecture, a -> new Space()).addAll(embeddings);
    }

    /**
     * Whether two models are a candidate pair.
     *
     * @param a one model's id
     * @param b the other's
     * @return true when one lists the other among its nearest (both in, of one architecture)
     */
    public boolean isCandidatePair(String a, String b) {
        String arch = architectureOf.get(a);
        if (arch == null || !arch.equals(architectureOf.get(b))) {
            return false;
        }
        Space s = byArchitecture.get(arch);
        return lists(s.nearest.get(a), b) || lists(s.nearest.get(b), a);
    }

    private static boolean lists(Neighbours n, String id) {
        for (String x : n.ids) {
            if (x.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes a model and recomputes the neighbour lists it was in.
     *
     * @param id the model's id; an id not in the index is ignored
     */
    public void remove(String id) {
        String a = architectureOf.remove(id);
        if (a != null) {
            Space s = byArchitecture.get(a);
            s.remove(id);
            if (s.size() == 0) {
                byArchitecture.remove(a);
            }
        }
    }

    /**
     * Whether a model is in the index.
     *
     * @param id the model's id
     * @return true when it was added and not removed since
     */
    public boolean contains(String id) {
        return architectureOf.containsKey(id);
    }

    /**
     * How many models of an architecture are in.
     *
     * @param architecture an architecture hash
     * @return the count; 0 for an architecture no model has
     */
    public int size(String architecture) {
        Space s = byArchitecture.get(architecture);
        return s == null ? 0 : s.size();
    }

    /**
     * A model's candidate relatives: its nearest and the models that have it among theirs.
     *
     * @param id the model's id
     * @return the candidates, sorted by id; empty for a model not in the index
     */
    public Set<String> candidates(String id) {
        String a = architectureOf.get(id);
        if (a == null) {
            return Set.of();
        }
        Space s = byArchitecture.get(a);
        Set<String> out = new TreeSet<>(s.reverse.getOrDefault(id, Set.of()));
        out.addAll(Arrays.asList(s.nearest.get(id).ids));
        return out;
    }

    /**
     * The candidates a model not in the index would have once {@link #add added} (what {@link
     * #candidates} would then give), the index left unchanged: its own nearest and the models whose
     * lists it would enter. The same arithmetic as {@link #add}, so the two never disagree.
     *
     * @param id           the model's id; not in the index
     * @param architecture the architecture it would be added under
     * @param embedding    its {@link SketchEmbedding}
     * @return the ids, sorted; empty when no model of the architecture is in
     * @throws IllegalArgumentException when the model is in the index
     */
    public Set<String> candidatesIfAdded(String id, String architecture, float[] embedding) {
        if (architectureOf.containsKey(id)) {
            throw new IllegalArgumentException("model " + id + " is in the index");
        }
        Space s = byArchitecture.get(architecture);
        if (s == null) {
            return Set.of();
        }
        double[] d = s.distances(embedding);
        Set<String> out = new TreeSet<>(Arrays.asList(s.top(d, d.length, -1).ids));
        for (int i = 0; i < d.length; i++) {
            String u = s.ids.get(i);
            if (s.nearest.get(u).admits(d[i], id, k)) {
                out.add(u);
            }
        }
        return out;
    }

    /**
     * A copy holding the models of one architecture, with their lists as they are here: for a
     * scratch engine that must find the same candidates as this one. The copy and this index
     * change independently (embeddings are shared, and never written).
     *
     * @param architecture the architecture whose models are copied
     * @return a new index with the same k; empty when no model of the architecture is in
     */
    public CandidateIndex copyOf(String architecture) {
        CandidateIndex c = new CandidateIndex(k);
        Space s = byArchitecture.get(architecture);
        if (s != null) {
            Space t = c.new Space();
            t.ids.addAll(s.ids);
            t.vectors.addAll(s.vectors);
            t.position.putAll(s.position);
            t.nearest.putAll(s.nearest); // Neighbours are never changed in place
            s.reverse.forEach((id, r) -> t.reverse.put(id, new HashSet<>(r)));
            c.byArchitecture.put(architecture, t);
            s.ids.forEach(id -> c.architectureOf.put(id, architecture));
        }
        return c;
    }

    /**
     * A model's own nearest models.
     *
     * @param id the model's id
     * @return at most {@link #k()} ids, nearest first (ties to the smaller id); empty for a model not in the index
     */
    public List<String> nearest(String id) {
        String a = architectureOf.get(id);
        if (a == null) {
            return List.of();
        }
        return List.of(byArchitecture.get(a).nearest.get(id).ids);
    }

    /** A model's k nearest: ids with their distances, nearest first. */
    private record Neighbours(String[] ids, double[] distances) {
        boolean admits(double d, String id, int k) {
            if (ids.length < k) {
                return true;
            }
            double last = distances[ids.length - 1];
            return d < last || (d == last && id.compareTo(ids[ids.length - 1]) < 0);
        }
    }

    /** The models of one architecture. */
    private final class Space {
        private final List<String> ids = new ArrayList<>();
        private final List<float[]> vectors = new ArrayList<>();
        private final Map<String, Integer> position = new HashMap<>();
        private final Map<String, Neighbours> nearest = new HashMap<>();
        /** Who lists a model among their nearest. */
        private final Map<String, Set<String>> reverse = new HashMap<>();

        int size() {
            return ids.size();
        }

        /** The distance of {@code e} to every model here, by position. */
        double[] distances(float[] e) {
            int n = ids.size();
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = SketchEmbedding.distance(e, vectors.get(i));
            }
            return d;
        }

        List<String[]> add(String id, float[] e) {
            List<String[]> dropped = new ArrayList<>();
            int n = ids.size();
            double[] d = distances(e);
            position.put(id, n);
            ids.add(id);
            vectors.add(e);
            Neighbours own = top(d, n, -1);
            nearest.put(id, own);
            for (String v : own.ids) {
                reverse.computeIfAbsent(v, x -> new HashSet<>()).add(id);
            }
            for (int i = 0; i < n; i++) {
                String u = ids.get(i);
                Neighbours nu = nearest.get(u);
                if (nu.admits(d[i], id, k)) {
                    if (nu.ids.length == k) {
                        dropped.add(new String[] {u, nu.ids[k - 1]});
                    }
                    nearest.put(u, insert(u, nu, id, d[i]));
                    reverse.computeIfAbsent(id, x -> new HashSet<>()).add(u);
                }
            }
            return dropped;
        }

        /** Fills an empty space: each model's nearest found on its own (in parallel), then the lists that name it. */
        void addAll(Map<String, float[]> embeddings) {
            embeddings.forEach((id, e) -> {
                position.put(id, ids.size());
                ids.add(id);
                vectors.add(e);
            });
            int n = ids.size();
            Neighbours[] lists = new Neighbours[n];
            java.util.stream.IntStream.range(0, n).parallel().forEach(i -> lists[i] = top(distances(vectors.get(i)), n, i));
            for (int i = 0; i < n; i++) {
                String u = ids.get(i);
                nearest.put(u, lists[i]);
                for (String v : lists[i].ids) {
                    reverse.computeIfAbsent(v, x -> new HashSet<>()).add(u);
                }
            }
        }

        private Neighbours insert(String owner, Neighbours nu, String id, double d) {
            if (nu.ids.length == k) {
                // the last model falls off the owner's list
                Set<String> r = reverse.get(nu.ids[k - 1]);
                if (r != null) {
                    r.remove(owner);
                }
            }
            return inserted(nu, id, d);
        }

        private Neighbours inserted(Neighbours nu, String id, double d) {
            int len = nu.ids.length;
            int at = 0;
            while (at < len && (nu.distances[at] < d || (nu.distances[at] == d && nu.ids[at].compareTo(id) < 0))) {
                at++;
            }
            int newLen = Math.min(k, len + 1);
            String[] ids2 = new String[newLen];
            double[] d2 = new double[newLen];
            for (int i = 0, j = 0; i < newLen; i++) {
                if (i == at) {
                    ids2[i] = id;
                    d2[i] = d;
                } else {
                    ids2[i] = nu.ids[j];
                    d2[i] = nu.distances[j++];
                }
            }
            return new Neighbours(ids2, d2);
        }

        /** The k nearest of the distances {@code d[0..n)}, skipping position {@code self}: one pass, a sorted list of k. */
        private Neighbours top(double[] d, int n, int self) {
            Neighbours best = new Neighbours(new String[0], new double[0]);
            for (int i = 0; i < n; i++) {
                if (i != self && best.admits(d[i], ids.get(i), k)) {
                    best = inserted(best, ids.get(i), d[i]);
                }
            }
            return best;
        }

        void remove(String id) {
            Integer p = position.remove(id);
            if (p == null) {
                return;
            }
            int last = ids.size() - 1;
            if (p != last) {
                ids.set(p, ids.get(last));
                vectors.set(p, vectors.get(last));
                position.put(ids.get(p), p);
            }
            ids.remove(last);
            vectors.remove(last);
            Neighbours own = nearest.remove(id);
            for (String v : own.ids) {
                Set<String> r = reverse.get(v);
                if (r != null) {
                    r.remove(id);
                }
            }
            Set<String> listers = reverse.remove(id);
            if (listers != null) {
                for (String u : listers) {
                    recompute(u);
                }
            }
        }

        private void recompute(String u) {
            Neighbours old = nearest.get(u);
            for (String v : old.ids) {
                Set<String> r = reverse.get(v);
                if (r != null) {
                    r.remove(u);
                }
            }
            int n = ids.size();
            float[] e = vectors.get(position.get(u));
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = SketchEmbedding.distance(e, vectors.get(i));
            }
            Neighbours fresh = top(d, n, position.get(u));
            nearest.put(u, fresh);
            for (String v : fresh.ids) {
                reverse.computeIfAbsent(v, x -> new HashSet<>()).add(u);
            }
        }
    }
}
