package org.modelheritage.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;

/**
 * What the dashboard draws ({@code /api/stats/charts}), aggregated by the store — in SQL or over its
 * index — so that no caller loads every model to count them.
 *
 * @param uploadsByDay     the days (UTC) with uploads, oldest first, each with its uploads by their status now
 * @param modelsByFormat   like {@link LakeTotals#modelsByFormat()}
 * @param totalParameters  sum of the known parameter counts
 * @param totalBytes       sum of the models' byte sizes
 * @param familySizes      models in a family → how many families have that many; families without
 *                         models are left out
 * @param largestFamilies  the largest families, most models first, then by id
 * @param edgesByKind      every kind, zero included
 * @param edgeConfidence   edges per confidence bin, {@link #CONFIDENCE_BINS} bins of width 0.1 from 0
 *                         (below 0 counts in the first, 1 and above in the last)
 * @param pending          models waiting to be processed
 * @param processing       models being processed
 */
public record LakeStats(List<DailyUploads> uploadsByDay, Map<String, Long> modelsByFormat, long totalParameters,
                        long totalBytes, Map<Long, Long> familySizes, List<FamilySize> largestFamilies,
                        Map<EdgeKind, Long> edgesByKind, List<Long> edgeConfidence, long pending, long processing) {

    /** The number of equal-width confidence bins in [0, 1]. */
    public static final int CONFIDENCE_BINS = 10;

    private static final long DAY_MILLIS = 86_400_000L;

    /**
     * Copies and normalises the components: maps sorted by key and unmodifiable, every edge kind
     * given a count (0 when absent).
     *
     * @param uploadsByDay    not null; copied
     * @param modelsByFormat  not null; copied
     * @param totalParameters the parameter sum
     * @param totalBytes      the byte sum
     * @param familySizes     not null; copied
     * @param largestFamilies not null; copied
     * @param edgesByKind     not null; missing kinds count 0
     * @param edgeConfidence  exactly {@link #CONFIDENCE_BINS} counts
     * @param pending         the PENDING model count
     * @param processing      the PROCESSING model count
     * @throws IllegalArgumentException when {@code edgeConfidence} does not have {@link #CONFIDENCE_BINS} entries
     * @throws NullPointerException when a collection is null
     */
    public LakeStats {
        uploadsByDay = List.copyOf(uploadsByDay);
        modelsByFormat = Collections.unmodifiableMap(new TreeMap<>(modelsByFormat));
        familySizes = Collections.unmodifiableMap(new TreeMap<>(familySizes));
        largestFamilies = List.copyOf(largestFamilies);
        EnumMap<EdgeKind, Long> kinds = new EnumMap<>(EdgeKind.class);
        for (EdgeKind k : EdgeKind.values()) {
            kinds.put(k, edgesByKind.getOrDefault(k, 0L));
        }
        edgesByKind = Collections.unmodifiableMap(kinds);
        edgeConfidence = List.copyOf(edgeConfidence);
        if (edgeConfidence.size() != CONFIDENCE_BINS) {
            throw new IllegalArgumentException("expected " + CONFIDENCE_BINS + " confidence bins, got " + edgeConfidence.size());
        }
    }

    /**
     * One day's uploads by their status now; every status, zero included.
     *
     * @param day      the UTC calendar day
     * @param byStatus how many of the models uploaded that day are in each status now
     */
    public record DailyUploads(LocalDate day, Map<ModelStatus, Long> byStatus) {
        /**
         * Checks the day; gives every status a count (0 when absent).
         *
         * @param day      not null
         * @param byStatus not null; copied into an unmodifiable map
         * @throws NullPointerException when an argument is null
         */
        public DailyUploads {
            Objects.requireNonNull(day, "day");
            EnumMap<ModelStatus, Long> statuses = new EnumMap<>(ModelStatus.class);
            for (ModelStatus s : ModelStatus.values()) {
                statuses.put(s, byStatus.getOrDefault(s, 0L));
            }
            byStatus = Collections.unmodifiableMap(statuses);
        }
    }

    /**
     * A family's size; the root's name is null until lineage has found a root.
     *
     * @param familyId      the family's id
     * @param rootModelId   its root model's id; null until lineage has found it
     * @param rootModelName its root model's name; null without a root
     * @param models        how many models the family holds
     * @param parameters    the sum of its members' known parameter counts
     * @param bytes         the sum of its members' byte sizes
     */
    public record FamilySize(String familyId, String rootModelId, String rootModelName, long models, long parameters,
                             long bytes) {
        static final Comparator<FamilySize> LARGEST_FIRST = Comparator.comparingLong(FamilySize::models).reversed()
                .thenComparing(FamilySize::familyId, Ids::compareCodePoints);
    }

    /**
     * The UTC day of an upload, as days since the epoch (what the SQL stores compute as created_at / 86400000).
     *
     * @param createdAt the upload time, not null
     * @return whole days since 1970-01-01 UTC, rounded down (negative before 1970)
     */
    public static long epochDay(Instant createdAt) {
        return Math.floorDiv(createdAt.toEpochMilli(), DAY_MILLIS);
    }

    /**
     * The bin of an edge's confidence: floor(10 c), clamped to 0..9.
     *
     * @param confidence an edge's confidence; any value (NaN falls in the last bin)
     * @return the bin, 0 to {@link #CONFIDENCE_BINS} - 1
     */
    public static int confidenceBin(double confidence) {
        if (confidence < 0.1) {
            return 0;
        }
        for (int bin = 1; bin < CONFIDENCE_BINS; bin++) {
            if (confidence < (bin + 1) / 10.0) {
                return bin;
            }
        }
        return CONFIDENCE_BINS - 1;
    }

    /**
     * The lower bound of each confidence bin but the first, as the SQL stores compare against
     * them; the same numbers {@link #confidenceBin} uses.
     *
     * @param bin a bin, 1 to {@link #CONFIDENCE_BINS} - 1
     * @return {@code bin / 10.0}
     */
    public static double binLowerBound(int bin) {
        return bin / 10.0;
    }

    /**
     * Stats of a store that keeps its models and edges in memory (the file store, the example store).
     *
     * @param models       every model of the store
     * @param modelById    finds a model by id (for the roots' names); may return null
     * @param rootOfFamily a family's root model id, or null while it has none
     * @param edges        every lineage edge of the store
     * @param largest      how many of the largest families to list, at least 0
     * @return the aggregated statistics
     * @throws IllegalArgumentException when {@code largest} is negative
     */
    public static LakeStats ofIndex(Collection<Model> models, Function<String, Model> modelById,
                                    Function<String, String> rootOfFamily, Collection<LineageEdge> edges,
                                    int largest) {
        Tally t = new Tally();
        Map<String, long[]> families = new HashMap<>();
        for (Model m : models) {
            long parameters = m.parameterCount() == null ? 0 : m.parameterCount();
            t.models(epochDay(m.createdAt()), m.status(), m.format(), parameters, m.byteSize(), 1);
            if (m.familyId() != null) {
                long[] f = families.computeIfAbsent(m.familyId(), k -> new long[3]);
                f[0]++;
                f[1] += parameters;
                f[2] += m.byteSize();
            }
        }
        families.forEach((id, f) -> {
            String root = rootOfFamily.apply(id);
            Model r = root == null ? null : modelById.apply(root);
            t.family(id, root, r == null ? null : r.name(), f[0], f[1], f[2]);
        });
        for (LineageEdge e : edges) {
            t.edges(e.kind(), confidenceBin(e.confidence()), 1);
        }
        return t.build(largest);
    }

    /** Adds up aggregated rows (a store's GROUP BY results, or single models and edges with n = 1). */
    public static final class Tally {
        private final TreeMap<Long, EnumMap<ModelStatus, Long>> days = new TreeMap<>();
        private final Map<String, Long> formats = new HashMap<>();
        private final EnumMap<ModelStatus, Long> statuses = new EnumMap<>(ModelStatus.class);
        private final List<FamilySize> families = new ArrayList<>();
        private final EnumMap<EdgeKind, Long> kinds = new EnumMap<>(EdgeKind.class);
        private final long[] bins = new long[CONFIDENCE_BINS];
        private long parameters;
        private long bytes;

        /**
         * Counts {@code n} models uploaded on one day with one status and format.
         *
         * @param epochDay   the upload day, as {@link #epochDay}
         * @param status     their status now
         * @param format     their format id; null while not known yet (counted as {@link LakeTotals#UNKNOWN_FORMAT})
         * @param parameters the sum of their known parameter counts
         * @param bytes      the sum of their byte sizes
         * @param n          how many models the row stands for (1 for a single model)
         * @return this tally
         */
        public Tally models(long epochDay, ModelStatus status, String format, long parameters, long bytes, long n) {
            days.computeIfAbsent(epochDay, d -> new EnumMap<>(ModelStatus.class)).merge(status, n, Long::sum);
            formats.merge(format == null ? LakeTotals.UNKNOWN_FORMAT : format, n, Long::sum);
            statuses.merge(status, n, Long::sum);
            this.parameters += parameters;
            this.bytes += bytes;
            return this;
        }

        /**
         * Adds one family with its members' totals; call it once per family.
         *
         * @param familyId      the family's id
         * @param rootModelId   its root's id, or null
         * @param rootModelName its root's name, or null
         * @param models        its member count
         * @param parameters    the sum of its members' known parameter counts
         * @param bytes         the sum of its members' byte sizes
         * @return this tally
         */
        public Tally family(String familyId, String rootModelId, String rootModelName, long models, long parameters,
                            long bytes) {
            families.add(new FamilySize(familyId, rootModelId, rootModelName, models, parameters, bytes));
            return this;
        }

        /**
         * Counts {@code n} edges of this kind in this confidence bin.
         *
         * @param kind          the edges' kind
         * @param confidenceBin their bin, 0 to {@link #CONFIDENCE_BINS} - 1 (see {@link #confidenceBin})
         * @param n             how many edges
         * @return this tally
         * @throws ArrayIndexOutOfBoundsException when the bin is out of range
         */
        public Tally edges(EdgeKind kind, int confidenceBin, long n) {
            kinds.merge(kind, n, Long::sum);
            bins[confidenceBin] += n;
            return this;
        }

        /**
         * The statistics of everything counted so far.
         *
         * @param largest how many of the largest families to list, at least 0
         * @return the statistics
         * @throws IllegalArgumentException when {@code largest} is negative
         */
        public LakeStats build(int largest) {
            if (largest < 0) {
                throw new IllegalArgumentException("largest must be >= 0, got " + largest);
            }
            List<DailyUploads> uploads = new ArrayList<>();
            days.forEach((day, byStatus) -> uploads.add(new DailyUploads(LocalDate.ofEpochDay(day), byStatus)));
            Map<Long, Long> sizes = new TreeMap<>();
            for (FamilySize f : families) {
                sizes.merge(f.models(), 1L, Long::sum);
            }
            List<FamilySize> top = families.stream().sorted(FamilySize.LARGEST_FIRST).limit(largest).toList();
            List<Long> confidence = new ArrayList<>();
            for (long b : bins) {
                confidence.add(b);
            }
            return new LakeStats(uploads, formats, parameters, bytes, sizes, top, kinds, confidence,
                    statuses.getOrDefault(ModelStatus.PENDING, 0L), statuses.getOrDefault(ModelStatus.PROCESSING, 0L));
        }
    }
}
