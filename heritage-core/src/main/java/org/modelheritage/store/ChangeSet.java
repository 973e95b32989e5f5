package org.modelheritage.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;

/** Changes applied in order, all or nothing, by {@link MetadataStore#apply(ChangeSet)}. */
public final class ChangeSet {
    private final List<Change> changes;

    private ChangeSet(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    /**
     * A change set of these changes, in this order.
     *
     * @param changes the changes, none null; none gives an empty set, which a store applies as a no-op
     * @return a new change set
     * @throws NullPointerException when {@code changes} or one of them is null
     */
    public static ChangeSet of(Change... changes) {
        return new ChangeSet(List.of(changes));
    }

    /**
     * A change set of these changes, in this order.
     *
     * @param changes the changes, none null; copied, so later changes to the list do not reach the set
     * @return a new change set
     * @throws NullPointerException when {@code changes} or one of them is null
     */
    public static ChangeSet of(List<? extends Change> changes) {
        return new ChangeSet(new ArrayList<>(changes));
    }

    /** {@return a new, empty builder to collect changes one by one} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the changes, in the order they are applied; unmodifiable} */
    public List<Change> changes() {
        return changes;
    }

    /** {@return whether the set holds no change} */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    @Override
    public String toString() {
        return "ChangeSet" + changes;
    }

    /** Collects changes; {@link #build()} freezes them. */
    public static final class Builder {
        private final List<Change> changes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a change after those added before.
         *
         * @param change the change, not null
         * @return this builder
         * @throws NullPointerException when {@code change} is null
         */
        public Builder add(Change change) {
            changes.add(java.util.Objects.requireNonNull(change, "change"));
            return this;
        }

        /**
         * Adds a {@link Change.InsertModel}.
         *
         * @param model the new model, not null
         * @return this builder
         */
        public Builder insertModel(Model model) {
            return add(new Change.InsertModel(model));
        }

        /**
         * Adds a {@link Change.UpdateModel}.
         *
         * @param model the model's new values, not null
         * @return this builder
         */
        public Builder updateModel(Model model) {
            return add(new Change.UpdateModel(model));
        }

        /**
         * Adds a {@link Change.UpdateStatus}.
         *
         * @param modelId        the model to change
         * @param status         its new processing state, not null
         * @param failureMessage why processing failed, or null
         * @param processedAt    when processing finished, or null
         * @return this builder
         * @throws IllegalArgumentException when {@code modelId} is malformed
         */
        public Builder updateStatus(String modelId, ModelStatus status, String failureMessage, Instant processedAt) {
            return add(new Change.UpdateStatus(modelId, status, failureMessage, processedAt));
        }

        /**
         * Adds a {@link Change.DeleteModel}.
         *
         * @param modelId the model to remove with everything that hangs off it
         * @return this builder
         * @throws IllegalArgumentException when {@code modelId} is malformed
         */
        public Builder deleteModel(String modelId) {
            return add(new Change.DeleteModel(modelId));
        }

        /**
         * Adds a {@link Change.PutFamily}.
         *
         * @param familyId       the family to create or replace
         * @param structuralHash the architecture its members share, non-blank
         * @param rootModelId    its base model, or null while unknown
         * @return this builder
         * @throws IllegalArgumentException when an id is malformed or the hash blank or too long
         */
        public Builder putFamily(String familyId, String structuralHash, String rootModelId) {
            return add(new Change.PutFamily(familyId, structuralHash, rootModelId));
        }

        /**
         * Adds a {@link Change.DeleteFamily}.
         *
         * @param familyId the family to remove (its members stay, without family)
         * @return this builder
         * @throws IllegalArgumentException when {@code familyId} is malformed
         */
        public Builder deleteFamily(String familyId) {
            return add(new Change.DeleteFamily(familyId));
        }

        /**
         * Adds a {@link Change.ReplaceLineage}.
         *
         * @param familyId the family whose lineage is replaced
         * @param edges    its whole new lineage: no repeated (parent, child) pair, no cycle
         * @return this builder
         * @throws IllegalArgumentException when an id is malformed, a pair repeats or the edges form a cycle
         */
        public Builder replaceLineage(String familyId, List<LineageEdge> edges) {
            return add(new Change.ReplaceLineage(familyId, edges));
        }

        /**
         * Adds a {@link Change.UpdateLineage}.
         *
         * @param familyId the family
         * @param children the models whose edges as a child are replaced
         * @param edges    their new edges, each into one of {@code children}
         * @return this builder
         */
        public Builder updateLineage(String familyId, java.util.Set<String> children, List<LineageEdge> edges) {
            return add(new Change.UpdateLineage(familyId, children, edges));
        }

        /**
         * Adds a {@link Change.PutDistance} of a symmetric metric (the pair is stored in one order,
         * so (a, b) and (b, a) are the same entry).
         *
         * @param modelA one model of the pair
         * @param modelB the other model
         * @param metric the metric's name, non-blank, at most 100 characters
         * @param value  the distance, finite
         * @return this builder
         * @throws IllegalArgumentException when the two models are the same, an id or the metric is
         *     malformed, or the value is not finite
         */
        public Builder putDistance(String modelA, String modelB, String metric, double value) {
            return add(new Change.PutDistance(PairDistance.symmetric(modelA, modelB, metric, value)));
        }

        /**
         * Adds a {@link Change.PutStatistics}.
         *
         * @param modelId the model the statistics describe
         * @param version the encoding's version label, non-blank, at most 100 characters
         * @param data    the encoded statistics, not null; copied
         * @return this builder
         * @throws IllegalArgumentException when {@code modelId} or {@code version} is malformed
         */
        public Builder putStatistics(String modelId, String version, byte[] data) {
            return add(new Change.PutStatistics(modelId, version, data));
        }

        /**
         * Adds a {@link Change.EnqueueJob}.
         *
         * @param modelId the model to process
         * @param at      when it is queued, not null
         * @return this builder
         * @throws IllegalArgumentException when {@code modelId} is malformed
         */
        public Builder enqueueJob(String modelId, Instant at) {
            return add(new Change.EnqueueJob(modelId, at));
        }

        /**
         * Adds a {@link Change.FinishJob}.
         *
         * @param modelId the model whose job ends
         * @param outcome {@link JobState#DONE} or {@link JobState#FAILED}
         * @param error   why it failed, or null to clear the last error
         * @param at      when it ended, not null
         * @return this builder
         * @throws IllegalArgumentException when {@code modelId} is malformed or {@code outcome} is neither DONE nor FAILED
         */
        public Builder finishJob(String modelId, JobState outcome, String error, Instant at) {
            return add(new Change.FinishJob(modelId, outcome, error, at));
        }

        /** {@return the number of changes added so far} */
        public int size() {
            return changes.size();
        }

        /** {@return a change set of the changes added so far; adding more later does not change it} */
        public ChangeSet build() {
            return new ChangeSet(changes);
        }

        /**
         * Adds a {@link Change.PutToken}.
         *
         * @param token the new token, not null
         * @return this builder
         */
        public Builder putToken(ApiToken token) {
            return add(new Change.PutToken(token));
        }

        /**
         * Adds a {@link Change.RevokeToken}.
         *
         * @param tokenId   the token to revoke
         * @param revokedAt from when it is invalid, not null (an earlier revocation stands)
         * @return this builder
         * @throws IllegalArgumentException when {@code tokenId} is malformed
         */
        public Builder revokeToken(String tokenId, Instant revokedAt) {
            return add(new Change.RevokeToken(tokenId, revokedAt));
        }

        /**
         * Adds a {@link Change.AppendAudit}.
         *
         * @param entry the audit entry, not null
         * @return this builder
         */
        public Builder appendAudit(AuditEntry entry) {
            return add(new Change.AppendAudit(entry));
        }
    }
}
