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

    public static ChangeSet of(Change... changes) {
        return new ChangeSet(List.of(changes));
    }

    public static ChangeSet of(List<? extends Change> changes) {
        return new ChangeSet(new ArrayList<>(changes));
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Change> changes() {
        return changes;
    }

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

        public Builder add(Change change) {
            changes.add(java.util.Objects.requireNonNull(change, "change"));
            return this;
        }

        public Builder insertModel(Model model) {
            return add(new Change.InsertModel(model));
        }

        public Builder updateModel(Model model) {
            return add(new Change.UpdateModel(model));
        }

        public Builder updateStatus(String modelId, ModelStatus status, String failureMessage, Instant processedAt) {
            return add(new Change.UpdateStatus(modelId, status, failureMessage, processedAt));
        }

        public Builder deleteModel(String modelId) {
            return add(new Change.DeleteModel(modelId));
        }

        public Builder putFamily(String familyId, String structuralHash, String rootModelId) {
            return add(new Change.PutFamily(familyId, structuralHash, rootModelId));
        }

        public Builder deleteFamily(String familyId) {
            return add(new Change.DeleteFamily(familyId));
        }

        public Builder replaceLineage(String familyId, List<LineageEdge> edges) {
            return add(new Change.ReplaceLineage(familyId, edges));
        }

        public Builder putDistance(String modelA, String modelB, String metric, double value) {
            return add(new Change.PutDistance(PairDistance.symmetric(modelA, modelB, metric, value)));
        }

        public Builder putStatistics(String modelId, String version, byte[] data) {
            return add(new Change.PutStatistics(modelId, version, data));
        }

        public Builder enqueueJob(String modelId, Instant at) {
            return add(new Change.EnqueueJob(modelId, at));
        }

        public Builder finishJob(String modelId, JobState outcome, String error, Instant at) {
            return add(new Change.FinishJob(modelId, outcome, error, at));
        }

        public int size() {
            return changes.size();
        }

        public ChangeSet build() {
            return new ChangeSet(changes);
        }

        public Builder putToken(ApiToken token) {
            return add(new Change.PutToken(token));
        }

        public Builder revokeToken(String tokenId, Instant revokedAt) {
            return add(new Change.RevokeToken(tokenId, revokedAt));
        }

        public Builder appendAudit(AuditEntry entry) {
            return add(new Change.AppendAudit(entry));
        }
    }
}
