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

    /** A change set of these changes, in this order. */
    public static ChangeSet of(Change... changes) {
        return new ChangeSet(List.of(changes));
    }

    /** A change set of these changes, in this order. */
    public static ChangeSet of(List<? extends Change> changes) {
        return new ChangeSet(new ArrayList<>(changes));
    }

    /** A builder to collect changes one by one. */
    public static Builder builder() {
        return new Builder();
    }

    /** The changes, in the order they are applied. */
    public List<Change> changes() {
        return changes;
    }

    /** Whether there is no change. */
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

        /** Adds a change. */
        public Builder add(Change change) {
            changes.add(java.util.Objects.requireNonNull(change, "change"));
            return this;
        }

        /** Adds a {@link Change.InsertModel}. */
        public Builder insertModel(Model model) {
            return add(new Change.InsertModel(model));
        }

        /** Adds a {@link Change.UpdateModel}. */
        public Builder updateModel(Model model) {
            return add(new Change.UpdateModel(model));
        }

        /** Adds a {@link Change.UpdateStatus}. */
        public Builder updateStatus(String modelId, ModelStatus status, String failureMessage, Instant processedAt) {
            return add(new Change.UpdateStatus(modelId, status, failureMessage, processedAt));
        }

        /** Adds a {@link Change.DeleteModel}. */
        public Builder deleteModel(String modelId) {
            return add(new Change.DeleteModel(modelId));
        }

        /** Adds a {@link Change.PutFamily}. */
        public Builder putFamily(String familyId, String structuralHash, String rootModelId) {
            return add(new Change.PutFamily(familyId, structuralHash, rootModelId));
        }

        /** Adds a {@link Change.DeleteFamily}. */
        public Builder deleteFamily(String familyId) {
            return add(new Change.DeleteFamily(familyId));
        }

        /** Adds a {@link Change.ReplaceLineage}. */
        public Builder replaceLineage(String familyId, List<LineageEdge> edges) {
            return add(new Change.ReplaceLineage(familyId, edges));
        }

        /** Adds a {@link Change.UpdateLineage}. */
        public Builder updateLineage(String familyId, java.util.Set<String> children, List<LineageEdge> edges) {
            return add(new Change.UpdateLineage(familyId, children, edges));
        }

        /** Adds a {@link Change.PutDistance}. */
        public Builder putDistance(String modelA, String modelB, String metric, double value) {
            return add(new Change.PutDistance(PairDistance.symmetric(modelA, modelB, metric, value)));
        }

        /** Adds a {@link Change.PutStatistics}. */
        public Builder putStatistics(String modelId, String version, byte[] data) {
            return add(new Change.PutStatistics(modelId, version, data));
        }

        /** Adds a {@link Change.EnqueueJob}. */
        public Builder enqueueJob(String modelId, Instant at) {
            return add(new Change.EnqueueJob(modelId, at));
        }

        /** Adds a {@link Change.FinishJob}. */
        public Builder finishJob(String modelId, JobState outcome, String error, Instant at) {
            return add(new Change.FinishJob(modelId, outcome, error, at));
        }

        /** The number of changes added so far. */
        public int size() {
            return changes.size();
        }

        /** The change set of the changes added so far. */
        public ChangeSet build() {
            return new ChangeSet(changes);
        }

        /** Adds a {@link Change.PutToken}. */
        public Builder putToken(ApiToken token) {
            return add(new Change.PutToken(token));
        }

        /** Adds a {@link Change.RevokeToken}. */
        public Builder revokeToken(String tokenId, Instant revokedAt) {
            return add(new Change.RevokeToken(tokenId, revokedAt));
        }

        /** Adds a {@link Change.AppendAudit}. */
        public Builder appendAudit(AuditEntry entry) {
            return add(new Change.AppendAudit(entry));
        }
    }
}
