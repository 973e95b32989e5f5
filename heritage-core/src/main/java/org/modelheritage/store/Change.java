package org.modelheritage.store;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;

/**
 * One change to a metadata store. Changes are applied in a {@link ChangeSet}, all or nothing; each
 * names what it requires, and a change whose requirement fails aborts the whole set with a typed
 * exception ({@link NoSuchRecordException}, {@link DuplicateIdException},
 * {@link DuplicateChecksumException}). Requirements are checked against the store as the earlier
 * changes of the same set left it.
 */
public sealed interface Change {

    /** Adds a model. Requires: no model with its id or checksum; its family and parent exist. */
    record InsertModel(Model model) implements Change {
        /** Validates the components. */
        public InsertModel {
            Objects.requireNonNull(model, "model");
        }
    }

    /**
     * Replaces every field of an existing model (and its file list). Requires: the model exists; no
     * other model has the checksum; family and parent exist.
     */
    record UpdateModel(Model model) implements Change {
        /** Validates the components. */
        public UpdateModel {
            Objects.requireNonNull(model, "model");
        }
    }

    /** Sets status, failure message and processedAt of an existing model; nothing else. */
    record UpdateStatus(String modelId, ModelStatus status, String failureMessage, Instant processedAt)
            implements Change {
        /** Validates the components. */
        public UpdateStatus {
            Ids.requireId(modelId, "model id");
            Objects.requireNonNull(status, "status");
            processedAt = Model.millis(processedAt);
        }
    }

    /**
     * Removes a model with everything that hangs off it: its files list, the lineage edges it is in,
     * cached distances, statistics and job. Its children lose it as a parent: one that has other
     * parents left (a merge) gets the main one of those ({@link LineageEdge#mainEdges}), the others
     * lose their parent and confidence. A family it was the root of loses its root. Requires: the
     * model exists.
     */
    record DeleteModel(String modelId) implements Change {
        /** Validates the components. */
        public DeleteModel {
            Ids.requireId(modelId, "model id");
        }
    }

    /** Creates a family or replaces its hash and root. Requires: the root model, if any, exists. */
    record PutFamily(String familyId, String structuralHash, String rootModelId) implements Change {
        /** Validates the components. */
        public PutFamily {
            new Family(familyId, structuralHash, 0, rootModelId); // validates
        }
    }

    /**
     * Removes a family and its lineage edges; its members stay, without family, parent or
     * confidence. Requires: the family exists.
     */
    record DeleteFamily(String familyId) implements Change {
        /** Validates the components. */
        public DeleteFamily {
            Ids.requireId(familyId, "family id");
        }
    }

    /**
     * Replaces a family's lineage. Every current member loses its parent and confidence and the
     * family's old edges go; then every end of the new edges joins the family without a parent (an
     * end that was in another family moves, and its edges there as a child go), and each edge is
     * stored with its kind and weight. A child gets the parent and confidence of its main edge
     * ({@link LineageEdge#mainEdges}: a merge's heaviest parent). Requires: the family and every
     * end exist. The edges must not repeat a (parent, child) pair nor form a cycle; a child may
     * have several parents (a merge).
     */
    record ReplaceLineage(String familyId, List<LineageEdge> edges) implements Change {
        /** Validates the components. */
        public ReplaceLineage {
            Ids.requireId(familyId, "family id");
            edges = List.copyOf(edges);
            Map<String, Set<String>> parentsOf = new HashMap<>();
            for (LineageEdge e : edges) {
                Ids.requireId(e.parentId(), "parent id");
                Ids.requireId(e.childId(), "child id");
                if (!parentsOf.computeIfAbsent(e.childId(), k -> new HashSet<>()).add(e.parentId())) {
                    throw new IllegalArgumentException("two edges from " + e.parentId() + " to " + e.childId());
                }
            }
            // Kahn: take away models without a parent left; what cannot be taken away is on a cycle
            Map<String, Integer> parentsLeft = new HashMap<>();
            Map<String, List<String>> childrenOf = new HashMap<>();
            parentsOf.forEach((child, parents) -> {
                parentsLeft.merge(child, parents.size(), Integer::sum);
                for (String p : parents) {
                    parentsLeft.putIfAbsent(p, 0);
                    childrenOf.computeIfAbsent(p, k -> new ArrayList<>()).add(child);
                }
            });
            Deque<String> free = new ArrayDeque<>();
            parentsLeft.forEach((id, n) -> {
                if (n == 0) {
                    free.add(id);
                }
            });
            while (!free.isEmpty()) {
                String id = free.poll();
                parentsLeft.remove(id);
                for (String child : childrenOf.getOrDefault(id, List.of())) {
                    if (parentsLeft.merge(child, -1, Integer::sum) == 0) {
                        free.add(child);
                    }
                }
            }
            if (!parentsLeft.isEmpty()) {
                String on = parentsLeft.keySet().stream().sorted().findFirst().orElseThrow();
                throw new IllegalArgumentException("lineage edges form a cycle (" + on + " is on it or below it)");
            }
        }
    }

    /**
     * Replaces part of a family's lineage: the edges into each of {@code children} (in any family)
     * give way to the given edges, each of which goes into one of them (a child given no edge
     * becomes a root). Every end of the given edges joins the family (an end that was in another
     * family moves, and its edges there as a child go), and each of {@code children} gets the
     * parent and confidence of its main edge ({@link LineageEdge#mainEdges}), or none; the other
     * members and their edges stay as they are. {@link ReplaceLineage} with every member's edges
     * listed ends in the same state; this one lets a family of n members change in the few edges
     * that changed. Requires: the family and every end exist. The edges must not repeat a (parent,
     * child) pair; that the family stays free of cycles is the caller's to keep (only part of it is
     * given).
     */
    record UpdateLineage(String familyId, Set<String> children, List<LineageEdge> edges) implements Change {
        /** Validates the components. */
        public UpdateLineage {
            Ids.requireId(familyId, "family id");
            children = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(children));
            edges = List.copyOf(edges);
            children.forEach(c -> Ids.requireId(c, "child id"));
            Set<String> pairs = new HashSet<>();
            for (LineageEdge e : edges) {
                Ids.requireId(e.parentId(), "parent id");
                if (!children.contains(e.childId())) {
                    throw new IllegalArgumentException("edge into " + e.childId() + ", which is not among the children");
                }
                if (!pairs.add(e.parentId() + "\u0000" + e.childId())) {
                    throw new IllegalArgumentException("two edges from " + e.parentId() + " to " + e.childId());
                }
            }
        }
    }

    /** Caches a distance (replacing one for the same pair and metric). Requires: both models exist. */
    record PutDistance(PairDistance distance) implements Change {
        /** Validates the components. */
        public PutDistance {
            Objects.requireNonNull(distance, "distance");
            Ids.requireId(distance.modelA(), "model id");
            Ids.requireId(distance.modelB(), "model id");
            Ids.requireLabel(distance.metric(), "metric name", 100);
            if (!Double.isFinite(distance.value())) {
                throw new IllegalArgumentException("distance must be finite, got " + distance.value());
            }
        }
    }

    /**
     * Stores a model's statistics under a version (replacing the same version); the content is the
     * lineage engine's business. Requires: the model exists.
     */
    record PutStatistics(String modelId, String version, byte[] data) implements Change {
        /** Validates the components. */
        public PutStatistics {
            Ids.requireId(modelId, "model id");
            Ids.requireLabel(version, "statistics version", 100);
            data = Objects.requireNonNull(data, "statistics data").clone();
        }

        /** The statistics' bytes (a copy). */
        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PutStatistics p && p.modelId.equals(modelId) && p.version.equals(version)
                    && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(modelId, version, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "PutStatistics[" + modelId + ", " + version + ", " + data.length + " bytes]";
        }
    }

    /**
     * Queues a model for processing: creates its job, or puts an existing one back to
     * {@link JobState#QUEUED} (attempts and last error kept). Requires: the model exists.
     */
    record EnqueueJob(String modelId, Instant enqueuedAt) implements Change {
        /** Validates the components. */
        public EnqueueJob {
            Ids.requireId(modelId, "model id");
            enqueuedAt = Model.millis(Objects.requireNonNull(enqueuedAt, "enqueuedAt"));
        }
    }

    /**
     * Ends a job as {@link JobState#DONE} or {@link JobState#FAILED}, recording the error (null
     * clears it). The model's status is not touched: set it in the same set. Requires: the job exists.
     */
    record FinishJob(String modelId, JobState outcome, String error, Instant finishedAt) implements Change {
        /** Validates the components. */
        public FinishJob {
            Ids.requireId(modelId, "model id");
            if (outcome != JobState.DONE && outcome != JobState.FAILED) {
                throw new IllegalArgumentException("a job finishes DONE or FAILED, not " + outcome);
            }
            finishedAt = Model.millis(Objects.requireNonNull(finishedAt, "finishedAt"));
        }
    }

    /** Stores a new API token. Requires: no token with its id or its secret hash. */
    record PutToken(ApiToken token) implements Change {
        /** Validates the components. */
        public PutToken {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * Revokes a token at {@code revokedAt}; a token revoked before keeps its first revocation time.
     * Requires: the token exists.
     */
    record RevokeToken(String tokenId, Instant revokedAt) implements Change {
        /** Validates the components. */
        public RevokeToken {
            Ids.requireId(tokenId, "token id");
            revokedAt = Model.millis(Objects.requireNonNull(revokedAt, "revokedAt"));
        }
    }

    /** Appends an entry to the audit log (there is no change that removes one). Requires: no entry with its id. */
    record AppendAudit(AuditEntry entry) implements Change {
        /** Validates the components. */
        public AppendAudit {
            Objects.requireNonNull(entry, "entry");
        }
    }
}
