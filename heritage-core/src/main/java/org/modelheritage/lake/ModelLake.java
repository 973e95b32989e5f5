package org.modelheritage.lake;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.DuplicateChecksumException;
import org.modelheritage.store.Family;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.Page;
import org.modelheritage.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The model lake: the one entry point an application embeds.
 *
 * <pre>{@code
 * try (ModelLake lake = ModelLake.open(URI.create("jdbc:sqlite:data/heritage.db"),
 *                                      URI.create("file:data/blobs"), LakeOptions.defaults())) {
 *     Model m = lake.add("my-model", null, List.of(Path.of("model.safetensors")));
 *     lake.awaitIdle(Duration.ofMinutes(1));
 *     lake.details(m.id()).ifPresent(System.out::println);
 * }
 * }</pre>
 *
 * <p>Adding a model streams its files into the blob store (SHA-256 addressed; the same bytes twice
 * are refused with {@link DuplicateModelException}), opens them with the readers before answering
 * (unreadable weights: {@link InvalidModelException}, and nothing is kept), and records the model as
 * PENDING with a job. A bounded pool of workers then takes each job: PROCESSING, one streaming pass
 * for the signature, a place in a family, that family's lineage recomputed, and everything stored in
 * one atomic change: READY, or FAILED with the reason. Jobs a crash interrupted run again when the
 * lake reopens (or, on a store shared by processes, when their lease runs out), and blobs a crash
 * orphaned are deleted when an embedded lake reopens.
 *
 * <p>Nothing about the models is loaded when the lake opens: a job loads the signatures and cached
 * pair values of the one family group it changes, from the store, under that group's lock (see
 * {@link FamilyGroups}), so opening takes the same time for ten models or a million, and memory is
 * bounded by the work in progress plus {@link LakeOptions#lineageCacheModels()}. An embedded store
 * has one owning process; on PostgreSQL any number of processes may open the same lake and behave
 * as one. Thread-safe.
 */
public final class ModelLake implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelLake.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final LakeOptions options;
    private final WorkDirectory work;
    /** This lake's own directory under the work directory: see {@link WorkDirectory}. */
    private final Path workDir;
    private final BlobKeeper keeper;
    /** The engine signatures are taken with, and the prototype of each family group's engine. */
    private final LineageAdapter lineage;
    /** Family placement, lineage and removal run one at a time per family group: they rewrite whole families. */
    private final FamilyGroups groups;
    private final Clock clock = Clock.systemUTC();
    private final Workers workers;
    private final ModelIdentifier identifier;
    private final ModelWatchers watchers = new ModelWatchers();
    /** Models a worker is processing, each with the flag {@link #remove} raises to stop it. */
    private final Map<String, java.util.concurrent.atomic.AtomicBoolean> processing =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final List<LakeListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Changes this lake made to its store: what a cached read was made under. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    /** Family trees as last read, with the {@link #writes} count they were read under (a store one process owns). */
    private final Map<String, CachedTree> trees = new java.util.concurrent.ConcurrentHashMap<>();

    private record CachedTree(long writes, FamilyTree tree) {
    }

    /** Deletes the blobs a crash left without a model, beside the open lake; null on a shared store. */
    private final Thread orphanSweep;
    private volatile boolean closing;

    private Thread startOrphanSweep() {
        Thread t = new Thread(() -> {
            try {
                int removed = keeper.collectOrphans(() -> closing);
                if (removed > 0) {
                    log.info("recovered after an interruption: {} orphan blobs removed", removed);
                }
            } catch (IOException | RuntimeException e) {
                if (!closing) {
                    log.warn("the sweep for orphan blobs stopped: {}", e.toString());
                }
            }
        }, "heritage-orphan-sweep");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Loads the largest family groups into the lineage cache beside the open lake; null when not asked for. */
    private final Thread warmUp;

    private Thread startWarmUp() {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            try {
                int models = groups.warmUp(() -> closing);
                if (models > 0 && !closing) {
                    log.info("lineage warm-up: {} models of the largest family groups loaded in {} ms", models,
                            (System.nanoTime() - start) / 1_000_000);
                }
            } catch (RuntimeException e) {
                if (!closing) {
                    log.warn("the lineage warm-up stopped: {}", e.toString());
                }
            }
        }, "heritage-lineage-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /**
     * Waits for the lineage warm-up ({@link LakeOptions#lineageWarmUp()}) to finish.
     *
     * @param timeout the longest wait
     * @return true when it finished (or was not asked for), false on timeout
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitWarmUp(Duration timeout) throws InterruptedException {
        if (warmUp != null) {
            warmUp.join(timeout.toMillis());
            return !warmUp.isAlive();
        }
        return true;
    }

    /** Waits for the sweep of orphan blobs started when the lake opened (for tests); false on timeout. */
    boolean awaitOrphanSweep(Duration timeout) throws InterruptedException {
        if (orphanSweep != null) {
            orphanSweep.join(timeout.toMillis());
            return !orphanSweep.isAlive();
        }
        return true;
    }

    /** Built by {@link ModelLakeBuilder}, which closes the stores when this throws. */
    ModelLake(MetadataStore meta, BlobStore blobs, LakeOptions options, LineageAdapter lineage) throws IOException {
        this.meta = meta;
        this.blobs = blobs;
        this.options = options;
        this.lineage = lineage;
        this.work = WorkDirectory.claim(options.workDir() != null ? options.workDir()
                : Path.of(System.getProperty("java.io.tmpdir"), "heritage-lake"), options.workDir() != null);
        this.workDir = work.path();
        try {
            this.keeper = new BlobKeeper(blobs, meta);
            this.groups = new FamilyGroups(meta, lineage, options.lineageCacheModels());
            int requeued = meta.requeueInterruptedJobs();
            if (requeued > 0) {
                log.info("recovered after an interruption: {} jobs requeued", requeued);
            }
            this.identifier = new ModelIdentifier(meta, lineage, groups, options.readLimits());
            this.workers = new Workers(options.workers(), meta, options.jobLease(), this::processAndTell);
            workers.start(meta.jobs(JobState.QUEUED).size());
            // On a shared store another process may be between putting a blob and committing its
            // model: what looks orphaned here may be its upload in flight, so only an owner collects.
            // The sweep reads every blob's name, so it runs beside the open lake, not before it.
            this.orphanSweep = meta.sharedByProcesses() ? null : startOrphanSweep();
            this.warmUp = options.lineageWarmUp() && options.lineageCacheModels() > 0 ? startWarmUp() : null;
        } catch (RuntimeException e) {
            work.close();
            throw e;
        }
    }

    /**
     * A builder: ready-made stores, stores by URI with typed options, a {@code DataSource}, a data
     * directory, and the lake's options. The {@code open} methods are shortcuts over it.
     *
     * @return a new builder with the default options and no stores chosen yet
     */
    public static ModelLakeBuilder builder() {
        return new ModelLakeBuilder();
    }

    /**
     * Opens the lake on a metadata store and a blob store chosen by URI (see {@link Stores}).
     *
     * @param store     the metadata store's URI, e.g. {@code jdbc:sqlite:data/heritage.db}
     * @param blobStore the blob store's URI, e.g. {@code file:data/blobs}
     * @param options   workers, limits and caches
     * @return the open lake; its workers are running; close it to stop them and close the stores
     * @throws org.modelheritage.store.NoStoreProviderException when no provider accepts a URI
     * @throws org.modelheritage.store.StoreLockedException when another process owns an embedded store
     * @throws IOException when the work directory cannot be set up
     */
    public static ModelLake open(URI store, URI blobStore, LakeOptions options) throws IOException {
        return builder().metadataStore(store).blobStore(blobStore).options(options).build();
    }

    /** Opens a lake with another lineage engine: for tests that need a job to misbehave. */
    static ModelLake open(URI store, URI blobStore, LakeOptions options, LineageAdapter lineage) throws IOException {
        return builder().metadataStore(store).blobStore(blobStore).options(options).lineage(lineage).build();
    }

    /**
     * Opens the lake on stores the caller opened (a server wraps them to time their calls); the
     * lake owns them from here and closes them, also when opening fails.
     *
     * @param meta    an open metadata store; the lake closes it
     * @param blobs   an open blob store; the lake closes it
     * @param options workers, limits and caches
     * @return the open lake; its workers are running
     * @throws IOException when the work directory cannot be set up
     */
    public static ModelLake open(MetadataStore meta, BlobStore blobs, LakeOptions options) throws IOException {
        try {
            return new ModelLake(meta, blobs, options, LineageAdapters.standard());
        } catch (IOException | RuntimeException e) {
            try {
                blobs.close();
            } finally {
                meta.close();
            }
            throw e;
        }
    }

    /**
     * Opens the default lake in a directory: SQLite in {@code DIR/heritage.db}, blobs in
     * {@code DIR/blobs} (needs heritage-storage-jdbc on the class path or module path).
     *
     * @param dataDir the data directory; created when missing
     * @param options workers, limits and caches
     * @return the open lake; its workers are running
     * @throws org.modelheritage.store.StoreLockedException when another process has the directory's lake open
     * @throws IOException when the work directory cannot be set up
     */
    public static ModelLake open(Path dataDir, LakeOptions options) throws IOException {
        return builder().dataDirectory(dataDir).options(options).build();
    }

    /**
     * The default metadata store of a data directory.
     *
     * @param dataDir the data directory, relative or absolute
     * @return {@code jdbc:sqlite:DIR/heritage.db} with DIR absolute and normalised
     */
    public static URI defaultStoreUri(Path dataDir) {
        return URI.create("jdbc:sqlite:" + dataDir.toAbsolutePath().normalize().resolve("heritage.db"));
    }

    /**
     * The default blob store of a data directory.
     *
     * @param dataDir the data directory, relative or absolute
     * @return the {@code file:} URI of {@code DIR/blobs}, DIR absolute and normalised
     */
    public static URI defaultBlobUri(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("blobs").toUri();
    }

    /** {@return the options this lake was opened with} */
    public LakeOptions options() {
        return options;
    }

    /**
     * The metadata store itself, for what lives beside the lake's models rather than in them: the
     * server keeps API tokens and the audit log there. Models, families and lineage are the lake's
     * to change; go through its methods for those.
     *
     * @return the lake's metadata store; the lake closes it
     */
    public MetadataStore metadata() {
        return meta;
    }

    /** {@return the blob store, for operations tools (metrics, backups); blobs are the lake's to add and remove} */
    public BlobStore blobStore() {
        return blobs;
    }

    // ---------------------------------------------------------------- adding

    /** {@return a new upload, limited to {@link LakeOptions#maxUploadBytes()} in all; see {@link ModelUpload}} */
    public ModelUpload beginUpload() {
        return new ModelUpload(this, options.maxUploadBytes());
    }

    /**
     * Adds a model from local files: one weight file, a directory holding a sharded checkpoint, or
     * the files of a sharded checkpoint (index JSON included). Returns once the files are stored
     * and readable; processing follows on a worker ({@link #whenProcessed}).
     *
     * @param name        the model's display name, non-blank, at most 1024 characters
     * @param description free text, or null
     * @param paths       the files; a directory stands for the regular files directly in it
     * @return the model as stored, {@link ModelStatus#PENDING}
     * @throws InvalidModelException   no name, no file, or unreadable weights (the reader's message)
     * @throws DuplicateModelException these bytes are already a model
     * @throws UploadTooLargeException the files pass {@link LakeOptions#maxUploadBytes()} together
     * @throws IOException             when a file or the blob store cannot be read or written
     */
    public Model add(String name, String description, List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    list.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        try (ModelUpload upload = beginUpload()) {
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    upload.addFile(f.getFileName().toString(), in);
                }
            }
            return upload.commit(name, description);
        }
    }

    /**
     * Adds a model from one stream, e.g. a file arriving over the network.
     *
     * @param name        the model's display name, non-blank, at most 1024 characters
     * @param description free text, or null
     * @param fileName    the file's name (a path is cut to its last element)
     * @param in          the weights; read to the end, not closed
     * @return the model as stored, {@link ModelStatus#PENDING}
     * @throws InvalidModelException   no name, a bad file name, or unreadable weights
     * @throws DuplicateModelException these bytes are already a model
     * @throws UploadTooLargeException the stream passes {@link LakeOptions#maxUploadBytes()}
     * @throws IOException             when the stream or the blob store fails
     */
    public Model add(String name, String description, String fileName, InputStream in) throws IOException {
        try (ModelUpload upload = beginUpload()) {
            upload.addFile(fileName, in);
            return upload.commit(name, description);
        }
    }

    BlobKeeper blobKeeper() {
        return keeper;
    }

    /**
     * Reports this lake's uploads, jobs and lineage updates to {@code listener} from now on.
     *
     * @param listener called on the lake's threads; an exception it throws is logged and dropped
     * @throws NullPointerException when {@code listener} is null
     */
    public void addListener(LakeListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops reporting to a listener. An event being delivered at the time may still reach it.
     *
     * @param listener a listener added before; one never added is ignored
     */
    public void removeListener(LakeListener listener) {
        listeners.remove(listener);
    }

    void notifyListeners(java.util.function.Consumer<LakeListener> event) {
        for (LakeListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("lake listener {} failed: {}", l, e.toString());
            }
        }
    }

    /**
     * Writes a small blob of random bytes and deletes it again: throws when the blob store cannot
     * take a write (a readiness check). The blob is pinned like an upload's, so nothing else races it.
     *
     * @throws IOException when the blob store cannot store or delete the probe
     */
    public void probeBlobStore() throws IOException {
        byte[] probe = new byte[32];
        new java.security.SecureRandom().nextBytes(probe);
        String sha = keeper.store(new java.io.ByteArrayInputStream(probe), probe.length).ref().sha256();
        keeper.release(sha);
    }

    /** Validates an upload's files and records the model as PENDING with its job (ModelUpload.commit). */
    Model register(String name, String description, List<ModelFile> files, String checksum) throws IOException {
        Optional<Model> existing = meta.modelByChecksum(checksum);
        if (existing.isPresent()) {
            throw new DuplicateModelException(existing.get().id(), existing.get().name());
        }
        String format = validate(files);
        long size = files.stream().mapToLong(ModelFile::size).sum();
        Instant now = clock.instant();
        Model model = Model.builder(UUID.randomUUID().toString(), name, checksum, size, now)
                .description(description).files(files).format(format).status(ModelStatus.PENDING).build();
        try {
            apply(ChangeSet.builder().insertModel(model).enqueueJob(model.id(), now).build());
        } catch (DuplicateChecksumException e) {
            // Someone committed the same bytes between our check and our insert.
            String id = e.existingModelId();
            throw new DuplicateModelException(id, meta.model(id).map(Model::name).orElse("?"));
        }
        // The model as added (PENDING), read back before a worker is woken so that the store's own
        // rendering of its fields comes back; a worker polling on its own may still have claimed
        // it in between, and then what was inserted is returned.
        Model added = meta.model(model.id()).filter(m -> m.status() == ModelStatus.PENDING).orElse(model);
        workers.jobAdded();
        return added;
    }

    /** Opens the weights with the readers (headers only) and returns their format's id. */
    private String validate(List<ModelFile> files) throws IOException {
        try (MaterialisedModel view = MaterialisedModel.of(blobs, files, workDir)) {
            try (WeightFile weights = WeightReaders.open(view.path(), options.readLimits())) {
                if (weights.tensors().isEmpty()) {
                    throw new InvalidModelException("the file holds no tensors");
                }
                return weights.format().id();
            } catch (WeightFormatException e) {
                throw new InvalidModelException(view.describe(e), e);
            }
        }
    }

    // ---------------------------------------------------------------- identifying

    /**
     * What the lake would make of weights if they were added, without adding them: the family they
     * would join (or none, and why), their most likely parent(s) with confidence and kind, the
     * models they would sit above, copies already in the lake and the nearest members of their
     * family, found by the same lineage engine as an add. Nothing is stored; the paths are one
     * weight file, a sharded checkpoint's directory, or its files.
     *
     * @param paths the weights: one file, a checkpoint's directory, or its files
     * @return what the lake makes of them
     * @throws InvalidModelException unreadable weights (the reader's message)
     * @throws UploadTooLargeException files larger than the upload limit together
     * @throws IOException when a file cannot be read
     */
    public Identification identify(List<Path> paths) throws IOException {
        return identifier.identifyLocal(paths, options.maxUploadBytes(), this::beginIdentify);
    }

    /**
     * Starts identifying weights that arrive as streams, into a temporary directory; see {@link IdentifyUpload}.
     *
     * @return a new identification upload; close it to delete its temporary files
     * @throws IOException when the temporary directory cannot be made
     */
    public IdentifyUpload beginIdentify() throws IOException {
        return new IdentifyUpload(identifier, options.maxUploadBytes(), workDir);
    }

    /**
     * Two models compared tensor by tensor, A read as the parent and B as the child: relative
     * change, cosine, rank of the difference and quantisation grid per tensor, tensors added,
     * removed or resized, and what the difference looks like. Streams both models' weights once,
     * in bounded memory. Empty when either model does not exist.
     *
     * @param idA the model read as the parent
     * @param idB the model read as the child
     * @return the comparison, or empty when either model is not in the lake
     * @throws InvalidModelException when a model's weights cannot be read
     * @throws IOException when a blob cannot be read
     */
    public Optional<ModelComparison> compare(String idA, String idB) throws IOException {
        Optional<Model> a = model(idA);
        Optional<Model> b = model(idB);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ModelComparison.of(a.get(), b.get(), blobs, workDir, options.readLimits()));
    }

    // ---------------------------------------------------------------- reading

    /**
     * Models in alphabetical order, those whose name contains {@code search} (case-insensitive) when given.
     *
     * @param search text the names must contain, case-insensitively; null or empty for every model
     * @param offset how many matches to skip, at least 0
     * @param limit  the most models to return, at least 0
     * @return the page and the total number of matches
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    public Page<Model> models(String search, int offset, int limit) {
        return meta.searchModels(ModelQuery.all().withNameContaining(search).page(offset, limit));
    }

    /**
     * The model with this id, if the lake holds it.
     *
     * @param id the model's id; any string (a malformed one finds nothing)
     * @return the model, or empty
     */
    public Optional<Model> model(String id) {
        return validId(id) ? meta.model(id) : Optional.empty();
    }

    /**
     * A model with its family, its parents (a merge has several; the heaviest is the main one) and
     * its children, each link with the edge's kind, weight and confidence.
     *
     * @param id the model's id; any string (a malformed one finds nothing)
     * @return the model's details, children in alphabetical order; empty when there is no such model
     */
    public Optional<ModelDetails> details(String id) {
        return model(id).map(m -> {
            Family family = m.familyId() == null ? null : meta.family(m.familyId()).orElse(null);
            List<LineageEdge> edges = family == null ? List.of() : meta.lineageOf(family.id(), m.id());
            List<LineageLink> parents = new ArrayList<>();
            edges.stream().filter(e -> e.childId().equals(m.id())).sorted(LineageEdge.HEAVIEST_FIRST)
                    .forEach(e -> meta.model(e.parentId()).ifPresent(p -> parents.add(link(p, e))));
            if (parents.isEmpty() && m.parentId() != null) {
                // a parent set without an edge (not written by the lake): shown as it is
                meta.model(m.parentId()).ifPresent(p -> parents.add(new LineageLink(p.id(), p.name(),
                        m.confidence() == null ? 0 : m.confidence(), EdgeKind.FINE_TUNE)));
            }
            LineageLink parent = parents.stream().filter(p -> p.id().equals(m.parentId())).findFirst()
                    .orElse(parents.isEmpty() ? null : parents.get(0));

            Map<String, Model> mainChildren = new LinkedHashMap<>();
            meta.children(m.id()).forEach(c -> mainChildren.put(c.id(), c));
            Map<String, LineageLink> children = new LinkedHashMap<>();
            for (LineageEdge e : edges) {
                if (e.parentId().equals(m.id())) {
                    Model c = mainChildren.containsKey(e.childId()) ? mainChildren.get(e.childId())
                            : meta.model(e.childId()).orElse(null);
                    if (c != null) {
                        children.put(c.id(), link(c, e));
                    }
                }
            }
            mainChildren.values().forEach(c -> children.putIfAbsent(c.id(), new LineageLink(c.id(), c.name(),
                    c.confidence() == null ? 0 : c.confidence(), EdgeKind.FINE_TUNE)));
            List<LineageLink> sortedChildren = children.values().stream()
                    .sorted(Comparator.comparing((LineageLink l) -> l.name().toLowerCase(Locale.ROOT))
                            .thenComparing(LineageLink::name).thenComparing(LineageLink::id))
                    .toList();
            return new ModelDetails(m, family, parent, parents, sortedChildren);
        });
    }

    private static LineageLink link(Model other, LineageEdge e) {
        return new LineageLink(other.id(), other.name(), e.confidence(), e.kind(), e.weight());
    }

    /**
     * One page of families, ordered by id.
     *
     * @param offset how many families to skip, at least 0
     * @param limit  the most families to return, at least 0
     * @return the page and the total number of families
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    public Page<Family> families(int offset, int limit) {
        return meta.families(offset, limit);
    }

    /**
     * The family with this id, if there is one.
     *
     * @param id the family's id; any string (a malformed one finds nothing)
     * @return the family with its member count, or empty
     */
    public Optional<Family> family(String id) {
        return validId(id) ? meta.family(id) : Optional.empty();
    }

    /**
     * A family's members in alphabetical order; empty when there is no such family.
     *
     * @param familyId the family's id
     * @param offset   how many members to skip, at least 0
     * @param limit    the most members to return, at least 0
     * @return the page of members and their total, or empty when there is no such family
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    public Optional<Page<Model>> familyModels(String familyId, int offset, int limit) {
        return family(familyId).map(f -> meta.searchModels(ModelQuery.all().inFamily(f.id()).page(offset, limit)));
    }

    /**
     * A family's members and every lineage edge (a merge's one per parent); empty when there is no
     * such family. On a store this process owns, the tree is read once and answered from memory
     * until the lake next changes the store (a 1,000-model family is two queries and a thousand
     * rows; many readers of a large family ask for it again and again).
     *
     * @param familyId the family's id
     * @return every member (however many) and edge, or empty when there is no such family
     */
    public Optional<FamilyTree> tree(String familyId) {
        if (meta.sharedByProcesses() || !validId(familyId)) {
            return readTree(familyId);
        }
        long version = writes.get();
        CachedTree cached = trees.get(familyId);
        if (cached != null && cached.writes() == version) {
            return Optional.of(cached.tree());
        }
        Optional<FamilyTree> read = readTree(familyId);
        if (read.isPresent()) {
            if (trees.size() >= 64) {
                trees.clear();
            }
            trees.put(familyId, new CachedTree(version, read.get()));
        }
        return read;
    }

    private Optional<FamilyTree> readTree(String familyId) {
        return family(familyId).map(f -> {
            List<Model> members = allModels(ModelQuery.all().inFamily(f.id()));
            List<LineageEdge> edges = meta.lineage(f.id());
            Set<String> children = new HashSet<>();
            edges.forEach(e -> children.add(e.childId()));
            List<FamilyTree.Node> nodes = members.stream()
                    .map(m -> new FamilyTree.Node(m.id(), m.name(), !children.contains(m.id()), m.parameterCount()))
                    .toList();
            return new FamilyTree(f, nodes, edges);
        });
    }

    /** {@return totals of the lake: models, families, models by status and by format, parameters} */
    public LakeTotals stats() {
        return meta.totals();
    }

    /**
     * What the dashboard draws, aggregated by the store.
     *
     * @param largestFamilies how many of the largest families to list, at least 0
     * @return uploads by day, family sizes, formats, edge kinds and confidences
     * @throws IllegalArgumentException when {@code largestFamilies} is negative
     */
    public LakeStats charts(int largestFamilies) {
        return meta.stats(largestFamilies);
    }

    // ---------------------------------------------------------------- removing

    /**
     * Removes a model. Its family's lineage is recomputed without it, so its children are re-linked
     * to their next best parent; its blobs are deleted unless another model uses them. A worker
     * processing the model stops at its next chunk and keeps nothing.
     *
     * @param id the model's id; any string (a malformed one removes nothing)
     * @return true when the model was removed, false when there was no such model
     */
    public boolean remove(String id) {
        if (!validId(id)) {
            return false;
        }
        java.util.concurrent.atomic.AtomicBoolean running = processing.get(id);
        if (running != null) {
            running.set(true); // its worker stops reading at the next chunk, without waiting for the lock
        }
        Optional<Model> found = meta.model(id);
        if (found.isEmpty()) {
            return false;
        }
        Model model = found.get();
        Optional<Family> family = model.familyId() == null ? Optional.empty() : meta.family(model.familyId());
        if (family.isEmpty()) {
            // not placed in a family (pending, failed, or processing: a job finding it gone drops it)
            boolean deleted = meta.deleteModel(id);
            writes.incrementAndGet();
            if (!deleted) {
                return false;
            }
        } else {
            try (FamilyGroups.Group group = groups.open(family.get().structuralHash(), null)) {
                Optional<Model> current = meta.model(id);
                if (current.isEmpty()) {
                    return false;
                }
                model = current.get();
                requeue(group.unreadable());
                ChangeSet.Builder changes = ChangeSet.builder().deleteModel(id);
                boolean inEngine = group.engine().contains(id);
                LineageAdapter.Outcome outcome = inEngine ? group.engine().remove(id)
                        : new LineageAdapter.Outcome(List.of(), List.of());
                try {
                    Set<String> formerFamily = model.familyId() == null ? Set.of() : Set.of(model.familyId());
                    Written written = writeFamilies(changes, outcome, group, Set.of(id), formerFamily);
                    apply(changes.build());
                    group.committed(written.familyOf(), written.edges(), written.deleted(), id);
                } catch (RuntimeException e) {
                    group.discard(); // the store still has the model: the engine no longer matches it
                    throw e;
                }
            }
        }
        for (ModelFile f : model.files()) {
            keeper.deleteIfUnused(f.sha256());
        }
        watchers.abandon(id, new org.modelheritage.store.NoSuchRecordException("model", id));
        log.info("removed model {} ({})", id, model.name());
        return true;
    }

    // ---------------------------------------------------------------- processing

    /**
     * Waits until every queued and running job is finished.
     *
     * @param timeout the longest to wait
     * @return true when the lake is idle, false if the timeout passed first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return workers.awaitIdle(timeout);
    }

    /** {@return worker threads alive now; fewer than {@link LakeOptions#workers()} means some died (see {@code /health})} */
    public int liveWorkers() {
        return workers.alive();
    }

    /**
     * A future of the model's processing: it completes with the model as stored once it is
     * {@link ModelStatus#READY} or {@link ModelStatus#FAILED} (a failed model is a normal result,
     * not an exception: read {@link Model#failureMessage()}); at once when it already is. It
     * completes exceptionally with {@link org.modelheritage.store.NoSuchRecordException} when there
     * is no such model or it is removed first, and with {@link IllegalStateException} when the lake
     * closes first (the model is processed when the lake reopens). Completed on a worker thread.
     *
     * @param modelId the model's id, as {@link #add} returned it
     * @return a future of the model as stored at READY or FAILED
     */
    public CompletableFuture<Model> whenProcessed(String modelId) {
        if (!validId(modelId)) {
            return CompletableFuture.failedFuture(new org.modelheritage.store.NoSuchRecordException("model",
                    String.valueOf(modelId)));
        }
        return watchers.watch(modelId, () -> meta.model(modelId),
                () -> new org.modelheritage.store.NoSuchRecordException("model", modelId));
    }

    private void processAndTell(Job job) {
        String modelId = job.modelId();
        try {
            process(job);
        } finally {
            Optional<Model> after = meta.model(modelId);
            if (after.isEmpty()) {
                watchers.abandon(modelId, new org.modelheritage.store.NoSuchRecordException("model", modelId));
            } else if (ModelWatchers.settled(after.get())) {
                Model done = after.get();
                // listeners first: whoever waits on the future then finds them told
                notifyListeners(l -> l.modelProcessed(done));
                watchers.finished(done);
            }
        }
    }

    /**
     * One job: signature, family, lineage, persisted in one change; or FAILED with the reason; or,
     * when the model is removed meanwhile, stopped with nothing of it kept. The signature is taken
     * without any lock; placing it holds its family group's lock, and then the job is checked to be
     * still this pool's (a worker whose lease ran out may find it taken over).
     */
    private void process(Job job) {
        String modelId = job.modelId();
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        processing.put(modelId, cancelled); // before the model is looked up: a removal from then on is seen
        // Every log line of this job, the store's and the readers' included, names the model.
        try (MDC.MDCCloseable ignored = MDC.putCloseable("modelId", modelId)) {
            JobState outcome = processJob(modelId, cancelled);
            if (outcome != null) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                notifyListeners(l -> l.jobFinished(outcome, took));
            }
        } finally {
            processing.remove(modelId, cancelled);
        }
    }

    /** {@link #process}: DONE, FAILED, or null when the model went away meanwhile (or its job was taken over). */
    private JobState processJob(String modelId, java.util.concurrent.atomic.AtomicBoolean cancelled) {
        Optional<Model> found = meta.model(modelId);
        if (found.isEmpty()) {
            return null; // removed while queued: its job went with it
        }
        Model model = found.get();
        try {
            LineageAdapter.Signature signature;
            try (MaterialisedModel view = MaterialisedModel.of(blobs, model.files(), workDir)) {
                try (WeightFile weights = WeightReaders.open(view.path(), options.readLimits())) {
                    signature = lineage.signature(new CancellableWeightFile(weights, cancelled));
                } catch (WeightFormatException e) {
                    fail(modelId, view.describe(e));
                    return JobState.FAILED;
                }
            } catch (CancellableWeightFile.JobCancelledException e) {
                // the view is closed (its temporary files gone); the removal took the rest
                if (meta.model(modelId).isPresent()) {
                    fail(modelId, "processing stopped by a removal that did not complete");
                    return JobState.FAILED;
                }
                log.info("processing of model {} ({}) stopped: it was removed", modelId, model.name());
                return null;
            }
            try (FamilyGroups.Group group = groups.open(lineage.familyKey(signature), modelId)) {
                Optional<Model> current = meta.model(modelId);
                if (current.isEmpty() || !stillOurs(modelId)) {
                    return null; // removed while we read it, or taken over by another worker after our lease ran out
                }
                requeue(group.unreadable());
                long lineageStarted = System.nanoTime();
                LineageAdapter.Outcome outcome = group.engine().add(modelId, signature);
                Duration lineageTook = Duration.ofNanos(System.nanoTime() - lineageStarted);
                int familySize = outcome.families().stream().filter(f -> f.members().contains(modelId))
                        .mapToInt(f -> f.members().size()).findFirst().orElse(1);
                notifyListeners(l -> l.lineageUpdated(familySize, lineageTook));
                try {
                    Instant now = clock.instant();
                    Model ready = current.get().toBuilder()
                            .parameterCount(signature.parameterCount())
                            .layerCount(signature.layerCount())
                            .structuralHash(signature.structuralHash())
                            .status(ModelStatus.READY).failureMessage(null).processedAt(now)
                            .build();
                    ChangeSet.Builder changes = ChangeSet.builder();
                    changes.putStatistics(modelId, signature.statisticsVersion(), signature.statistics());
                    Written written = writeFamilies(changes, outcome, group, Set.of(), Set.of(), ready);
                    changes.finishJob(modelId, JobState.DONE, null, now);
                    apply(changes.build());
                    group.committed(written.familyOf(), written.edges(), written.deleted(), null);
                } catch (RuntimeException e) {
                    group.discard(); // the store did not take it: neither does the engine
                    throw e;
                }
            }
            return JobState.DONE;
        } catch (IOException | RuntimeException e) {
            // The model's failure message is shown to every reader: an I/O or store message would
            // carry server paths and URIs, so it goes to the log under a reference instead.
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.warn("processing model {} ({}) failed, reference {}", modelId, model.name(), reference, e);
            fail(modelId, "processing failed (" + e.getClass().getSimpleName() + "); reference " + reference
                    + " in the server log");
            return JobState.FAILED;
        } catch (Throwable e) {
            // An Error (stack overflow, out of memory) from one model's weights must not kill the
            // worker nor leave the job RUNNING to kill the workers again at every restart: the
            // model is FAILED with the reason, its memory is gone with its stack frames.
            log.error("processing model {} ({}) failed with {}", modelId, model.name(), e.toString(), e);
            fail(modelId, "processing failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return JobState.FAILED;
        }
    }

    /** The model's job is RUNNING under this pool's claim (or under no recorded owner: an embedded store). */
    private boolean stillOurs(String modelId) {
        Optional<Job> job = meta.job(modelId);
        return job.isPresent() && job.get().state() == JobState.RUNNING
                && (job.get().owner() == null || job.get().owner().equals(workers.owner()));
    }

    private void fail(String modelId, String reason) {
        Instant now = clock.instant();
        try {
            apply(ChangeSet.builder()
                    .updateStatus(modelId, ModelStatus.FAILED, reason, now)
                    .finishJob(modelId, JobState.FAILED, reason, now)
                    .build());
        } catch (org.modelheritage.store.NoSuchRecordException e) {
            // removed meanwhile
        }
    }

    /**
     * What {@link #writeFamilies} wrote: each member's family, each written family's edges by
     * child, and the families deleted; the family group takes them once the store has.
     */
    private record Written(Map<String, String> familyOf, Map<String, Map<String, List<LineageEdge>>> edges,
                           Set<String> deleted) {
    }

    /**
     * Adds to {@code changes} what makes the store's families match the engine's: families put,
     * models moved, lineage written, emptied families deleted. {@code extra} are models to update
     * with their new fields (the one just processed); {@code gone} are models being deleted in the
     * same change, and {@code formerFamilies} the families they were in (deleted if nothing now
     * keeps them). What the store has of the group's members and edges comes from the family
     * group, so an add to a family of n models reads no member back and writes the edges into
     * the children whose edges changed ({@link org.modelheritage.store.Change.UpdateLineage}).
     *
     * <p>Family ids stay put: each old id goes to the new family holding most of its members (a
     * family that grows keeps its id; of a family that splits, the larger part keeps it; of
     * families that merge, the id of the larger one survives), greedily by that count, ties to
     * the smaller id; a family no old id went to gets a new one.
     */
    private Written writeFamilies(ChangeSet.Builder changes, LineageAdapter.Outcome outcome, FamilyGroups.Group group,
                                  Set<String> gone, Set<String> formerFamilies, Model... extra) {
        Map<String, Model> updates = new LinkedHashMap<>();
        for (Model m : extra) {
            updates.put(m.id(), m);
        }
        Set<String> touchedOldFamilies = new HashSet<>(formerFamilies);
        List<LineageAdapter.FamilyState> states = outcome.families();
        // (state index, old family id, members of that old family now in this state)
        record Claim(int state, String familyId, int votes, String firstMember) {
        }
        List<Claim> claims = new ArrayList<>();
        Map<String, String> storedFamily = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (int i = 0; i < states.size(); i++) {
            Map<String, Integer> votes = new HashMap<>();
            for (String memberId : states.get(i).members()) {
                String family;
                if (updates.containsKey(memberId)) {
                    family = updates.get(memberId).familyId();
                } else if (group.familyOf().containsKey(memberId)) {
                    family = group.familyOf().get(memberId);
                } else {
                    Model stored = meta.model(memberId).orElse(null);
                    if (stored == null) {
                        continue;
                    }
                    family = stored.familyId();
                }
                present.add(memberId);
                storedFamily.put(memberId, family);
                if (family != null) {
                    votes.merge(family, 1, Integer::sum);
                    touchedOldFamilies.add(family);
                }
            }
            String first = states.get(i).members().stream().sorted().findFirst().orElse("");
            int state = i;
            votes.forEach((id, n) -> claims.add(new Claim(state, id, n, first)));
        }
        claims.sort(Comparator.comparingInt(Claim::votes).reversed().thenComparing(Claim::familyId)
                .thenComparing(Claim::firstMember));
        String[] familyIds = new String[states.size()];
        boolean[] kept = new boolean[states.size()];
        Set<String> usedIds = new HashSet<>();
        for (Claim c : claims) {
            if (familyIds[c.state()] == null && usedIds.add(c.familyId())) {
                familyIds[c.state()] = c.familyId();
                kept[c.state()] = true;
            }
        }
        Map<String, String> familyOf = new HashMap<>();
        Set<String> moved = new HashSet<>();
        for (int i = 0; i < states.size(); i++) {
            if (familyIds[i] == null) {
                familyIds[i] = UUID.randomUUID().toString();
                usedIds.add(familyIds[i]);
            }
            LineageAdapter.FamilyState state = states.get(i);
            changes.putFamily(familyIds[i], state.structuralHash(), state.rootId());
            for (String memberId : state.members()) {
                if (!present.contains(memberId)) {
                    continue;
                }
                familyOf.put(memberId, familyIds[i]);
                if (!familyIds[i].equals(storedFamily.get(memberId)) || updates.containsKey(memberId)) {
                    Model m = updates.containsKey(memberId) ? updates.get(memberId) : meta.model(memberId).orElse(null);
                    if (m != null) {
                        updates.put(memberId, m.toBuilder().familyId(familyIds[i]).parentId(null).confidence(null).build());
                        moved.add(memberId);
                    }
                }
            }
        }
        updates.values().forEach(changes::updateModel);
        // Edges are written by difference when no model changed families but by joining its first
        // (the model just processed): then every family either kept its members and id or grew by
        // that model. Otherwise (families merged or split, a model removed) each changed family's
        // lineage is replaced whole, which also clears what moved models left behind.
        boolean onlyNewcomers = gone.isEmpty();
        for (String m : moved) {
            onlyNewcomers &= storedFamily.get(m) == null;
        }
        Map<String, Map<String, List<LineageEdge>>> written = new HashMap<>();
        for (int i = 0; i < states.size(); i++) {
            Map<String, List<LineageEdge>> now = new HashMap<>();
            for (LineageEdge e : states.get(i).edges()) {
                now.computeIfAbsent(e.childId(), k -> new ArrayList<>(1)).add(e);
            }
            written.put(familyIds[i], now);
            if (!kept[i] || !onlyNewcomers) {
                changes.replaceLineage(familyIds[i], states.get(i).edges());
                continue;
            }
            // the family kept its id and members, and maybe gained the new model: the edges into
            // the children whose edges changed, into the new model, and into members that became roots
            Map<String, List<LineageEdge>> before = group.storedEdges(familyIds[i]);
            Set<String> children = new java.util.TreeSet<>();
            now.forEach((child, edges) -> {
                List<LineageEdge> was = before.get(child);
                if (was == null || was.size() != edges.size() || !new HashSet<>(was).containsAll(edges)
                        || moved.contains(child)) {
                    children.add(child);
                }
            });
            for (String child : before.keySet()) {
                if (!now.containsKey(child)) {
                    children.add(child);
                }
            }
            List<LineageEdge> edges = new ArrayList<>();
            for (String child : children) {
                edges.addAll(now.getOrDefault(child, List.of()));
            }
            changes.updateLineage(familyIds[i], children, edges);
        }
        Set<String> deleted = new HashSet<>();
        for (String old : touchedOldFamilies) {
            if (!usedIds.contains(old)) {
                changes.deleteFamily(old);
                deleted.add(old);
            }
        }
        for (PairDistance d : outcome.newDistances()) {
            if (!gone.contains(d.modelA()) && !gone.contains(d.modelB())) {
                changes.add(new org.modelheritage.store.Change.PutDistance(d));
            }
        }
        return new Written(familyOf, written, deleted);
    }

    /**
     * Queues processed models again whose statistics could not be read back (missing, or of another
     * signature version): found when their family group is loaded.
     */
    private void requeue(List<String> ids) {
        for (String id : ids) {
            log.warn("model {} is ready but has no readable statistics of version {}; processing it again", id,
                    lineage.statisticsVersion());
            apply(ChangeSet.builder().updateStatus(id, ModelStatus.PENDING, null, null)
                    .enqueueJob(id, clock.instant()).build());
        }
        if (!ids.isEmpty()) {
            workers.jobAdded();
        }
    }

    private List<Model> allModels(ModelQuery query) {
        List<Model> out = new ArrayList<>();
        int offset = 0;
        while (true) {
            Page<Model> page = meta.searchModels(query.page(offset, 1000));
            out.addAll(page.items());
            offset += page.items().size();
            if (page.items().isEmpty() || offset >= page.total()) {
                return out;
            }
        }
    }

    /** The metadata store, for tests in this package (to read what the lake wrote). */
    MetadataStore store() {
        return meta;
    }

    /** Applies changes to the store; every change the lake makes goes through here (and tests that put lineage in place). */
    void apply(ChangeSet changes) {
        try {
            meta.apply(changes);
        } finally {
            writes.incrementAndGet();
        }
    }

    /** The engine signatures are taken with (the prototype of the groups' engines), for tests in this package. */
    LineageAdapter lineage() {
        return lineage;
    }

    /** The family groups' engines, for tests in this package. */
    FamilyGroups groups() {
        return groups;
    }

    private static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Stops the workers (a job in progress is finished or, if it cannot be, redone at the next open) and closes the stores. */
    @Override
    public void close() {
        closing = true;
        for (Thread t : new Thread[] {orphanSweep, warmUp}) {
            if (t != null) {
                try {
                    t.join(30_000); // each stops at its next blob or family group
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            workers.close();
        } finally {
            watchers.abandonAll(() -> new IllegalStateException("the lake closed before the model was processed"));
            try {
                blobs.close();
            } finally {
                try {
                    meta.close();
                } finally {
                    closeWork();
                }
            }
        }
    }

    private void closeWork() {
        try {
            work.close();
        } catch (IOException e) {
            log.warn("cannot remove the work directory {}: {}", workDir, e.toString());
        }
    }

}
