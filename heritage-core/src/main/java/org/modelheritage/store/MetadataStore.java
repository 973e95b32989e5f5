package org.modelheritage.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
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

    /** The model with this id, if stored. */
    Optional<Model> model(String id);

    /** The model with these bytes, if any. */
    Optional<Model> modelByChecksum(String checksum);

    /** One page of models matching the query, in alphabetical order, and how many match in all. */
    Page<Model> searchModels(ModelQuery query);

    /**
     * Models whose main parent ({@link Model#parentId()}) is {@code modelId}, in alphabetical order;
     * a merge whose heavier parent is another model is not among them ({@link #lineage} has every edge).
     */
    List<Model> children(String modelId);

    /** True when some model lists a file with this blob (for orphan checks and safe blob deletion). */
    boolean blobReferenced(String sha256);

    // ---- families and lineage

    /** The family with this id, if stored. */
    Optional<Family> family(String id);

    /** Families ordered by id. */
    Page<Family> families(int offset, int limit);

    /** Families whose models share this structural hash (there may be several: same architecture, unrelated bases). */
    List<Family> familiesByStructuralHash(String structuralHash);

    /**
     * The models of every family {@link #familiesByStructuralHash} gives, in one state, ordered by
     * id: what {@link #searchModels} gives family by family (the default asks it so), in one call a
     * store answers with one query. A lake lists the members of a family group this way each time
     * it works on the group, uploads and identify alike.
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
     */
    List<LineageEdge> lineage(String familyId);

    // ---- caches

    /** The cached distance between two models (either order) under a metric. */
    OptionalDouble distance(String modelA, String modelB, String metric);

    /** Every cached distance under {@code metric} between two models of {@code modelIds}. */
    List<PairDistance> distances(Collection<String> modelIds, String metric);

    /** A copy of the statistics stored for the model under this version. */
    Optional<byte[]> statistics(String modelId, String version);

    // ---- jobs

    /** The processing job of a model, if it has one. */
    Optional<Job> job(String modelId);

    /** Jobs in a state, oldest enqueued first. */
    List<Job> jobs(JobState state);

    /**
     * Takes the oldest queued job, atomically: the job becomes {@link JobState#RUNNING} with one more
     * attempt and a start time, and its model becomes {@link ModelStatus#PROCESSING}. No two callers,
     * in any number of threads or processes, get the same job.
     */
    Optional<Job> claimNextJob();

    /**
     * Puts every {@link JobState#RUNNING} job that no live process holds back in the queue and its
     * model back to {@link ModelStatus#PENDING}: what a crash left half done. A store one process
     * owns requeues every RUNNING job (its owner is opening it, so nobody else runs them); a shared
     * store only those whose lease has run out. Call it when the lake opens, before any worker of
     * this store runs. Returns how many jobs were requeued.
     */
    int requeueInterruptedJobs();

    // ---- many processes

    /**
     * True when several processes may use this store at once (a database server); false for an
     * embedded store, which one process owns while it is open.
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
     */
    default Optional<Job> claimNextJob(String owner, Duration lease) {
        return claimNextJob();
    }

    /** Extends the lease of every RUNNING job {@code owner} holds to {@code lease} from now; returns how many. */
    default int renewLeases(String owner, Duration lease) {
        return 0;
    }

    /**
     * Blocks until this caller holds the store's lock for {@code key} against every other process
     * sharing the store, and returns it; the lake takes it (inside its own in-process lock for the
     * key) around each rewrite of one family group's lineage. The lock dies with the process that
     * holds it. A store one process owns needs no lock beyond the lake's own: {@link StoreLock#NONE}.
     */
    default StoreLock lockFamilies(String key) {
        return StoreLock.NONE;
    }

    // ---- statistics

    /** Counts for {@code /api/stats}: models, families, models by status and format, parameters. */
    LakeTotals totals();

    /**
     * What the dashboard draws, aggregated by the store (in SQL, or over its in-memory index) rather
     * than by loading every model; {@code largestFamilies} caps {@link LakeStats#largestFamilies()}.
     */
    LakeStats stats(int largestFamilies);

    // ---- access: API tokens and the audit log

    /** The API token with this id (not its secret), if stored. */
    Optional<ApiToken> token(String id);

    /** The token whose secret hashes to {@code secretHash} (SHA-256, lowercase hex), valid or not. */
    Optional<ApiToken> tokenBySecretHash(String secretHash);

    /** Every token, revoked and expired ones included, oldest first (then by id). */
    List<ApiToken> tokens();

    /** One page of the audit log, newest first (by time, then by id, both descending), and how many entries there are. */
    Page<AuditEntry> audit(int offset, int limit);

    // ---- writing

    /** Applies the changes in order, all or nothing (see {@link Change} for what each requires). */
    void apply(ChangeSet changes);

    /** Releases connections, files and locks. */
    @Override
    void close();

    // ---- one-change conveniences

    /** Inserts one model: {@code apply} of one {@link Change.InsertModel}. */
    default void insertModel(Model model) {
        apply(ChangeSet.of(new Change.InsertModel(model)));
    }

    /** Replaces one stored model: {@code apply} of one {@link Change.UpdateModel}. */
    default void updateModel(Model model) {
        apply(ChangeSet.of(new Change.UpdateModel(model)));
    }

    /** Deletes the model and what hangs off it (see {@link Change.DeleteModel}); false if there was none. */
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
