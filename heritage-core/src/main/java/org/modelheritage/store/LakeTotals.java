package org.modelheritage.store;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals for {@code /api/stats}.
 *
 * @param models          how many models the lake holds, in every status
 * @param families        how many families it holds
 * @param modelsByStatus  every status, zero included
 * @param modelsByFormat  formats present; models without a format yet count under {@link #UNKNOWN_FORMAT}
 * @param totalParameters sum of the known parameter counts
 * @param lastUploadAt    newest {@code createdAt}, null in an empty lake
 */
public record LakeTotals(long models, long families, Map<ModelStatus, Long> modelsByStatus,
                         Map<String, Long> modelsByFormat, long totalParameters, Instant lastUploadAt) {
    /** The format name counted for models whose format is not known yet. */
    public static final String UNKNOWN_FORMAT = "unknown";

    /**
     * Normalises the components: every status gets a count (0 when absent), formats are sorted by
     * name, both maps become unmodifiable, {@code lastUploadAt} is truncated to milliseconds.
     *
     * @param models          the model count
     * @param families        the family count
     * @param modelsByStatus  counts by status, not null; missing statuses count 0
     * @param modelsByFormat  counts by format id, not null
     * @param totalParameters the parameter sum
     * @param lastUploadAt    the newest upload time, or null
     * @throws NullPointerException when a map is null
     */
    public LakeTotals {
        EnumMap<ModelStatus, Long> statuses = new EnumMap<>(ModelStatus.class);
        for (ModelStatus s : ModelStatus.values()) {
            statuses.put(s, modelsByStatus.getOrDefault(s, 0L));
        }
        modelsByStatus = java.util.Collections.unmodifiableMap(statuses);
        modelsByFormat = java.util.Collections.unmodifiableMap(new TreeMap<>(modelsByFormat));
        lastUploadAt = Model.millis(lastUploadAt);
    }
}
