package org.modelheritage.store;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;

/**
 * What the lake knows about its models: models, families, lineage edges, cached distances and
 * statistics, processing jobs. Open one with {@link Stores#openMetadata(java.net.URI)}.
 *
 * <p>Every write is a {@link ChangeSet} given to {@link #apply}: all of it or none of it is stored,
 * and once {@code apply} returns it survives a crash. The two job operations that must read and
 * write in one step ({@link #claimNextJob()}, {@link #requeueInterruptedJobs()}) are atomic too.
 * Implementations are safe for concurrent use by many threads.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>{@link #apply} applies a change set in order, all or nothing, durable when it returns. A
 *       change whose requirement fails throws its typed exception and nothing of the set is kept:
 *       {@link DuplicateChecksumException} (naming the model that holds the bytes),
 *       {@link DuplicateIdException}, {@link NoSuchRecordException}; other failures throw
 *       {@link StoreException}.</li>
 *   <li>Reads see every change set whose {@code apply} has returned.</li>
 *   <li>{@link #claimNextJob()} hands each pending job to one caller only, however many threads or
 *       processes claim at once; a shared store also leases them ({@link #claimNextJob(String, Duration)}).</li>
 *   <li>Searches are case-insensitive substring matches on names, alphabetical, paged, with the
 *       total count of matches.</li>
 * </ul>
 * {@code MetadataStoreContract} in heritage-core's test jar checks each point; pass it before
 * registering a store ({@link MetadataStoreProvider}).
 *
 * <p><b>One process or many.</b> An embedded store (SQLite, the file store) has one owner: opening
 * one that another process holds fails at once with {@link StoreLockedException}. A store that many
 * processes may share ({@link #sharedByProcesses()}: PostgreSQL) hands jobs out under leases a live
 * worker renews ({@link #claimNextJob(String, Duration)}, {@link #renewLeases}) and holds a lock per
 * family group for whoever rewrites that group's lineage ({@link #lockFamilies}).
 */
public interface MetadataStore extends AutoCloseable {

    // ---- models

    /**
     * The model with this id, if stored.
     *
     * @param id the model's id
     * @return the model with its file list, or empty when no model has this id
     */
    Optional<Model> model(String id);

    /**
     * The model with these bytes, if any.
     *
     * @param checksum the SHA-256 of a model's bytes, as {@link Model#checksum()}
     * @return the one model with this checksum (checksums are unique), or empty
     */
    Optional<Model> modelByChecksum(String checksum);

    /**
     * One page of models matching the query, in alphabetical order, and how many match in all.
     *
     * @param query the filters (name substring, family, status) and the page's offset and limit
     * @return the page's models, ordered by name case-insensitively (then exact name, then id), and
     *     the total number of matches
     */
    Page<Model> searchModels(ModelQuery query);

    /**
     * Models whose main parent ({@link Model#parentId()}) is {@code modelId}, in alphabetical order;
     * a merge whose heavier parent is another model is not among them ({@link #lineage} has every edge).
     *
     * @param modelId the parent's id
     * @return its children; empty when it has none or is not stored
     */
    List<Model> children(String modelId);

    /**
     * True when some model lists a file with this blob (for orphan checks and safe blob deletion).
     *
     * @param sha256 a blob's hash, as {@link ModelFile#sha256()}
     * @return whether any stored model has a file with these bytes
     */
    boolean blobReferenced(String sha256);

    /**
     * Records that {@code holder} is storing or about to commit a model with this blob, so that no
     * process deletes it meanwhile ({@link #deleteBlobIfUnused}); holding it again refreshes the
     * hold. Only a store {@link #sharedByProcesses() shared by processes} needs holds: in one
     * process the lake pins its blobs itself, and the default records nothing.
     *
     * @param sha256 the blob's hash
     * @param holder a label unique to the holding process
     */
    default void holdBlob(String sha256, String holder) {
    }

    /**
     * Drops {@code holder}'s hold on the blob (the model that lists it is committed, or the upload gave
     * up); nothing when there is none.
     *
     * @param sha256 the blob's hash
     * @param holder the label it was held under
     */
    default void releaseBlob(String sha256, String holder) {
    }

    /**
     * Runs {@code delete} when no model lists the blob and no process holds it, ordered against every
     * {@link #holdBlob} of the same blob by any process: a hold either comes first and the blob stays,
     * or waits until the deletion is done (and the holder's put stores the bytes again). A hold older
     * than a day is taken for one a dead process left. The default checks {@link #blobReferenced}
     * only, enough for a store one process owns.
     *
     * @param sha256 the blob's hash
     * @param delete deletes the blob from the blob store
     * @return whether {@code delete} ran
     * @throws IOException what {@code delete} throws
     */
    default boolean deleteBlobIfUnused(String sha256, BlobDeletion delete) throws IOException {
        if (blobReferenced(sha256)) {
            return false;
        }
        delete.run();
        return true;
    }

    /** The blob store's side of {@link #deleteBlobIfUnused}. */
    @FunctionalInterface
    interface BlobDeletion {
        /**
         * Deletes the blob.
         *
         * @throws IOException when the blob store fails
         */
        void run() throws IOException;
    }

    // ---- families and lineage

    /**
     * The family with this id, if stored.
     *
     * @param id the family's id
     * @return the family with its current member count, or empty
     */
    Optional<Family> family(String id);

    /**
     * Families ordered by id.
     *
     * @param offset how many families to skip, at least 0
     * @param limit  the most families to return, at least 0 (0 gives only the total)
     * @return the page and the total number of families
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    Page<Family> families(int offset, int limit);

    /**
     * Families whose models share this structural hash (there may be several: same architecture, unrelated bases).
     *
     * @param structuralHash an architecture's hash, as {@link Family#structuralHash()}
     * @return the families with this hash, in no particular order; empty when none
     */
    List<Family> familiesByStructuralHash(String structuralHash);

    /**
     * The models of every family {@link #familiesByStructuralHash} gives, in one state, ordered by
     * id: what {@link #searchModels} gives family by family (the default asks it so), in one call a
     * store answers with one query. A lake lists the members of a family group this way each time
     * it works on the group, uploads and identify alike.
     *
     * @param structuralHash the families' structural hash (a lake's family key)
     * @param status         the state the models are in
     * @return the models, files included, ordered by id
     */
    default List<Model> modelsOfFamilies(String structuralHash, ModelStatus status) {
        List<Model> out = new java.util.ArrayList<>();
        for (Family f : familiesByStructuralHash(structuralHash)) {
            ModelQuery q = ModelQuery.all().inFamily(f.id()).withStatus(status);
            int offset = 0;
            while (true) {
                Page<Model> page = searchModels(q.page(offset, 1000));
                out.addAll(page.items());
                offset += page.items().size();
                if (page.items().isEmpty() || offset >= page.total()) {
                    break;
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Model::id));
        return out;
    }

    /**
     * The family's lineage edges with their kinds and weights, ordered by parent then child: one per
     * non-root member, one per parent for a merge.
     *
     * @param familyId the family's id
     * @return its edges; empty for a family of one, a family lineage has not run on yet, or an unknown id
     */
    List<LineageEdge> lineage(String familyId);

    /**
     * The family's lineage edges into or out of one model, ordered as {@link #lineage}: what a
     * model's page shows. The default filters the family's edges; a store with indexes answers
     * from them without reading the whole family.
     *
     * @param familyId the family
     * @param modelId  one of its models
     * @return the edges whose parent or child is {@code modelId}; empty when there are none
     */
    default List<LineageEdge> lineageOf(String familyId, String modelId) {
        return lineage(familyId).stream().filter(e -> e.childId().equals(modelId) || e.parentId().equals(modelId)).toList();
    }

    // ---- caches

    /**
     * The cached distance between two models (either order) under a metric.
     *
     * @param modelA one model of the pair
     * @param modelB the other model
     * @param metric the metric's name, as {@link PairDistance#metric()}
     * @return the cached value, or empty when none is cached
     */
    OptionalDouble distance(String modelA, String modelB, String metric);

    /**
     * Every cached distance under {@code metric} between two models of {@code modelIds}.
     *
     * @param modelIds the models; duplicates are ignored, and fewer than two give an empty list
     * @param metric   the metric's name
     * @return the cached rows among these models, in no particular order
     */
    List<PairDistance> distances(Collection<String> modelIds, String metric);

    /**
     * The cached distances under {@code metric} between two models of {@code among} of which at
     * least one is in {@code involving}: a few models' values with a group, without the group's
     * values among themselves (the default reads those too and leaves them out).
     *
     * @param involving the models one end must be; duplicates are ignored
     * @param among     the models both ends must be; duplicates are ignored
     * @param metric    the metric's name
     * @return the cached rows, in no particular order
     */
    default List<PairDistance> distancesInvolving(Collection<String> involving, Collection<String> among, String metric) {
        java.util.Set<String> some = new java.util.HashSet<>(involving);
        List<PairDistance> out = new java.util.ArrayList<>();
        for (PairDistance d : distances(among, metric)) {
            if (some.contains(d.modelA()) || some.contains(d.modelB())) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * A copy of the statistics stored for the model under this version.
     *
     * @param modelId the model's id
     * @param version the encoding's version label, as given to {@link Change.PutStatistics}
     * @return a fresh copy of the bytes, or empty when none are stored under this version
     */
    Optional<byte[]> statistics(String modelId, String version);

    /**
     * The statistics stored for several models under this version, in one read where the store
     * can (the default asks {@link #statistics(String, String)} model by model).
     *
     * @param modelIds the models; duplicates are ignored
     * @param version  the encoding's version label
     * @return a fresh copy of each model's bytes, by id; models with none under this version are absent
     */
    default Map<String, byte[]> statistics(Collection<String> modelIds, String version) {
        Map<String, byte[]> out = new java.util.HashMap<>();
        for (String id : new java.util.LinkedHashSet<>(modelIds)) {
            statistics(id, version).ifPresent(bytes -> out.put(id, bytes));
        }
        return out;
    }

    // ---- jobs

    /**
     * The processing job of a model, if it has one.
     *
     * @param modelId the model's id
     * @return its job in whatever state, or empty when it was never queued
     */
    Optional<Job> job(String modelId);

    /**
     * Jobs in a state, oldest enqueued first.
     *
     * @param state the state to list
     * @return the jobs in that state; empty when none
     */
    List<Job> jobs(JobState state);

    /**
     * Takes the oldest queued job, atomically: the job becomes {@link JobState#RUNNING} with one more
     * attempt and a start time, and its model becomes {@link ModelStatus#PROCESSING}. No two callers,
     * in any number of threads or processes, get the same job.
     *
     * @return the claimed job as it is now (RUNNING), or empty when no job is queued
     */
    Optional<Job> claimNextJob();

    /**
     * Puts every {@link JobState#RUNNING} job that no live process holds back in the queue and its
     * model back to {@link ModelStatus#PENDING}: what a crash left half done. A store one process
     * owns requeues every RUNNING job (its owner is opening it, so nobody else runs them); a shared
     * store only those whose lease has run out. Call it when the lake opens, before any worker of
     * this store runs.
     *
     * @return how many jobs were requeued, 0 when none was interrupted
     */
    int requeueInterruptedJobs();

    // ---- many processes

    /**
     * True when several processes may use this store at once (a database server); false for an
     * embedded store, which one process owns while it is open.
     *
     * @return whether other processes may use the store at the same time; false unless overridden
     */
    default boolean sharedByProcesses() {
        return false;
    }

    /**
     * Takes the oldest job that is queued, or RUNNING under a lease that has run out (its worker
     * died), for {@code owner} until {@code lease} from now: as {@link #claimNextJob()}, and the job
     * records its owner and lease. The owner keeps it by {@link #renewLeases renewing}.
     *
     * <p>A store one process owns has no other worker to take over from; it may ignore owner and
     * lease (the default), and requeue what a crash interrupted when it reopens instead.
     *
     * @param owner a label unique to the claiming worker process (a host name and process id, say)
     * @param lease how long the claim holds without renewal; positive
     * @return the claimed job (RUNNING, with its owner and lease where the store records them), or
     *     empty when no job is queued or expired
     */
    default Optional<Job> claimNextJob(String owner, Duration lease) {
        return claimNextJob();
    }

    /**
     * Extends the lease of every RUNNING job {@code owner} holds to {@code lease} from now. A worker
     * calls it well within the lease, or another process may take its jobs over.
     *
     * @param owner the label the worker claimed its jobs with
     * @param lease the new lease, from now; positive
     * @return how many jobs were renewed; always 0 for a store that keeps no leases (the default)
     */
    default int renewLeases(String owner, Duration lease) {
        return 0;
    }

    /**
     * Blocks until this caller holds the store's lock for {@code key} against every other process
     * sharing the store, and returns it; the lake takes it (inside its own in-process lock for the
     * key) around each rewrite of one family group's lineage. The lock dies with the process that
     * holds it. A store one process owns needs no lock beyond the lake's own: {@link StoreLock#NONE}.
     *
     * @param key the family group's key; the same key locks the same group in every process
     * @return the held lock; close it to release it
     */
    default StoreLock lockFamilies(String key) {
        return StoreLock.NONE;
    }

    // ---- statistics

    /** {@return counts for {@code /api/stats}: models, families, models by status and format, parameters} */
    LakeTotals totals();

    /**
     * What the dashboard draws, aggregated by the store (in SQL, or over its in-memory index) rather
     * than by loading every model.
     *
     * @param largestFamilies how many families {@link LakeStats#largestFamilies()} lists at most, at least 0
     * @return uploads by day, families by size, formats, status counts and the largest families
     * @throws IllegalArgumentException when {@code largestFamilies} is negative
     */
    LakeStats stats(int largestFamilies);

    // ---- access: API tokens and the audit log

    /**
     * The API token with this id (not its secret), if stored.
     *
     * @param id the token's id
     * @return the token, revoked or expired ones included, or empty
     */
    Optional<ApiToken> token(String id);

    /**
     * The token whose secret hashes to {@code secretHash}, valid or not: how a request's token is
     * found. The caller checks {@link ApiToken#validAt}.
     *
     * @param secretHash SHA-256 of the presented secret, 64 lowercase hex digits
     * @return the token, or empty when no token has this secret
     */
    Optional<ApiToken> tokenBySecretHash(String secretHash);

    /** {@return every token, revoked and expired ones included, oldest first (then by id)} */
    List<ApiToken> tokens();

    /**
     * One page of the audit log, newest first (by time, then by id, both descending), and how many entries there are.
     *
     * @param offset how many entries to skip, at least 0
     * @param limit  the most entries to return, at least 0
     * @return the page and the total number of entries
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    Page<AuditEntry> audit(int offset, int limit);

    // ---- writing

    /**
     * Applies the changes in order, all or nothing (see {@link Change} for what each requires);
     * durable when it returns. An empty set changes nothing.
     *
     * @param changes the changes to apply
     * @throws NoSuchRecordException when a change requires a record that does not exist
     * @throws DuplicateIdException when a change adds a record whose id is taken
     * @throws DuplicateChecksumException when a change would give two models the same checksum
     * @throws StoreException when the store fails otherwise; nothing of the set is kept
     */
    void apply(ChangeSet changes);

    /** Releases connections, files and locks. */
    @Override
    void close();

    // ---- one-change conveniences

    /**
     * Inserts one model: {@code apply} of one {@link Change.InsertModel}.
     *
     * @param model the new model
     * @throws DuplicateIdException when a model has its id
     * @throws DuplicateChecksumException when a model has its checksum
     * @throws NoSuchRecordException when its family or parent is not stored
     */
    default void insertModel(Model model) {
        apply(ChangeSet.of(new Change.InsertModel(model)));
    }

    /**
     * Replaces one stored model: {@code apply} of one {@link Change.UpdateModel}.
     *
     * @param model the model's new values
     * @throws NoSuchRecordException when no model has its id, or its family or parent is not stored
     * @throws DuplicateChecksumException when another model has its checksum
     */
    default void updateModel(Model model) {
        apply(ChangeSet.of(new Change.UpdateModel(model)));
    }

    /**
     * Deletes the model and what hangs off it (see {@link Change.DeleteModel}).
     *
     * @param modelId the model's id
     * @return true when it was deleted, false when there was none
     */
    default boolean deleteModel(String modelId) {
        try {
            apply(ChangeSet.of(new Change.DeleteModel(modelId)));
            return true;
        } catch (NoSuchRecordException e) {
            if (e.kind().equals("model") && e.id().equals(modelId)) {
                return false;
            }
            throw e;
        }
    }
}
