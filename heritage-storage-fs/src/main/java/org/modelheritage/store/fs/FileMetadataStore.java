package org.modelheritage.store.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.Change;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.Family;
import org.modelheritage.store.Ids;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.Page;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.OwnerLock;
import org.modelheritage.store.StoreLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A metadata store in a plain directory of JSON documents, for a lake without a database.
 *
 * <pre>
 * DIR/store.lock          held (FileChannel.tryLock) while open, naming its holder: one owning process
 * DIR/snapshot.ndjson     the whole store at journal entry N, one JSON document per line
 * DIR/journal/N.json      one change set per file, applied after the snapshot, in order
 * DIR/statistics/SHA256   statistics bytes, by content
 * DIR/staging/            temp files; emptied on open
 * </pre>
 *
 * <p>Everything lives in memory with its indexes ({@link FsState}); the directory makes it durable.
 * A change set is checked and applied in memory, then written as one journal file (temp file,
 * fsync, atomic rename, fsync of the folder) before {@code apply} returns; if anything fails the
 * in-memory change is undone. So a change set is on disk whole or not at all, and a restart after a
 * crash at any point replays exactly the acknowledged change sets (plus, possibly, the one in
 * flight, whole). Every 10,000 journal entries (or 64 MiB) a new snapshot is written the same
 * atomic way and the entries it covers are deleted; a crash between the two is harmless because
 * the snapshot records the last entry it contains.
 */
public final class FileMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileMetadataStore.class);
    private static final String FORMAT = "model-heritage-fs";
    /** Version 2 adds API tokens and the audit log. */
    private static final int VERSION = 2;
    private static final Pattern JOURNAL_NAME = Pattern.compile("\\d{20}\\.json");

    private final Path dir;
    private final Path journal;
    private final Path statistics;
    private final Path staging;
    private final Path snapshot;
    private final OwnerLock ownerLock;
    private final ObjectMapper json = new ObjectMapper();
    private final FsState state = new FsState();
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock(true);
    private final int checkpointEntries;
    private final long checkpointBytes;

    private long seq;
    private int journalEntries;
    private long journalBytes;
    private boolean closed;

    private FileMetadataStore(Path dir, OwnerLock ownerLock, Map<String, String> options) {
        this.dir = dir;
        this.journal = dir.resolve("journal");
        this.statistics = dir.resolve("statistics");
        this.staging = dir.resolve("staging");
        this.snapshot = dir.resolve("snapshot.ndjson");
        this.ownerLock = ownerLock;
        this.checkpointEntries = Integer.parseInt(options.getOrDefault("checkpointEntries", "10000"));
        this.checkpointBytes = Long.parseLong(options.getOrDefault("checkpointBytes", Long.toString(64L << 20)));
    }

    /**
     * Opens (creating if needed) the store in {@code dir}, recovering from a crash if there was one.
     * Options: {@code checkpointEntries}, {@code checkpointBytes} (when to write a new snapshot).
     *
     * @param dir     the store's directory; made absolute, created with its parents when missing
     * @param options {@code checkpointEntries} (journal entries between snapshots, default 10000)
     *                and {@code checkpointBytes} (journal bytes between snapshots, default 64 MiB),
     *                as decimal strings; other keys are ignored
     * @return the open store, holding the directory's owner lock until closed
     * @throws StoreLockedException if another process, or another handle in this one, has it open
     * @throws StoreException when the directory cannot be created, the journal cannot be recovered,
     *     or a checkpoint option is not a number
     */
    public static FileMetadataStore open(Path dir, Map<String, String> options) {
        Path root = dir.toAbsolutePath().normalize();
        OwnerLock owner = null;
        try {
            for (String sub : List.of("journal", "statistics", "staging")) {
                Files.createDirectories(root.resolve(sub));
            }
            owner = OwnerLock.acquire(root.resolve("store.lock"), "file store " + root);
            FileMetadataStore store = new FileMetadataStore(root, owner, options);
            store.recover();
            return store;
        } catch (IOException | RuntimeException e) {
            if (owner != null) {
                try {
                    owner.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open file store " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "FileMetadataStore[" + dir + "]";
    }

    // ================================================================== recovery

    private void recover() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(staging)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p); // a write interrupted before its rename: never acknowledged
            }
        }
        long snapshotSeq = Files.exists(snapshot) ? loadSnapshot() : 0;
        seq = snapshotSeq;
        TreeMap<Long, Path> entries = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journal)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (JOURNAL_NAME.matcher(name).matches()) {
                    entries.put(Long.parseLong(name.substring(0, 20)), p);
                }
            }
        }
        int replayed = 0;
        for (Map.Entry<Long, Path> e : entries.entrySet()) {
            if (e.getKey() <= snapshotSeq) {
                Files.deleteIfExists(e.getValue()); // covered by the snapshot; its deletion was interrupted
                continue;
            }
            if (e.getKey() != seq + 1) {
                throw new StoreException("journal of " + dir + " has a gap: entry " + e.getKey() + " follows " + seq);
            }
            byte[] bytes = Files.readAllBytes(e.getValue());
            replay(e.getKey(), json.readTree(bytes));
            seq = e.getKey();
            journalEntries++;
            journalBytes += bytes.length;
            replayed++;
        }
        collectStatistics();
        if (replayed > 0) {
            LOG.info("{}: replayed {} journal entries after the snapshot at {}", dir, replayed, snapshotSeq);
        }
    }

    private void replay(long entry, JsonNode record) {
        FsState.Undo undo = new FsState.Undo();
        try {
            if (record.path("seq").asLong() != entry) {
                throw new IllegalArgumentException("entry says it is " + record.path("seq"));
            }
            for (JsonNode op : record.path("ops")) {
                Object change = FsCodec.change(op);
                if (change instanceof FsState.StoredStatistics s && !Files.exists(statistics.resolve(s.sha256()))) {
                    throw new IllegalArgumentException("statistics file " + s.sha256() + " is missing");
                }
                state.apply(change, undo);
            }
        } catch (RuntimeException e) {
            undo.rollback();
            throw new StoreException("journal entry " + entry + " of " + dir + " cannot be replayed: " + e.getMessage(), e);
        }
    }

    private long loadSnapshot() throws IOException {
        long snapshotSeq = -1;
        long records = 0;
        boolean ended = false;
        state.beginLoading();
        try (BufferedReader in = Files.newBufferedReader(snapshot, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode o = json.readTree(line);
                String type = o.path("t").asText();
                switch (type) {
                    case "header" -> {
                        // version 1 (before tokens and the audit log) reads as a version 2 without them
                        int version = o.path("version").asInt();
                        if (!FORMAT.equals(o.path("format").asText()) || version < 1 || version > VERSION) {
                            throw new StoreException(snapshot + " is not a version 1 to " + VERSION + " " + FORMAT
                                    + " snapshot");
                        }
                        snapshotSeq = o.path("seq").asLong();
                    }
                    case "family" -> state.loadFamily(FsCodec.family(o));
                    case "model" -> state.loadModel(FsCodec.model(o));
                    case "edge" -> state.loadEdge(FsCodec.edgeRow(o));
                    case "distance" -> state.loadDistance(FsCodec.distance(o));
                    case "statistics" -> state.loadStatistics(o.path("id").asText(), o.path("version").asText(),
                            o.path("sha256").asText());
                    case "job" -> state.loadJob(FsCodec.job(o));
                    case "token" -> state.loadToken(FsCodec.token(o));
                    case "audit" -> state.loadAudit(FsCodec.audit(o));
                    case "end" -> {
                        if (o.path("records").asLong() != records) {
                            throw new StoreException(snapshot + " holds " + records + " records, its footer says "
                                    + o.path("records"));
                        }
                        ended = true;
                    }
                    default -> throw new StoreException(snapshot + " has an unknown record type \"" + type + "\"");
                }
                if (!type.equals("header") && !type.equals("end")) {
                    records++;
                }
            }
        }
        state.endLoading();
        if (snapshotSeq < 0 || !ended) {
            throw new StoreException(snapshot + " is incomplete (no " + (snapshotSeq < 0 ? "header" : "footer") + ")");
        }
        return snapshotSeq;
    }

    /** Deletes statistics files nothing refers to (left by a change set that failed or was replaced). */
    private void collectStatistics() throws IOException {
        Set<String> referenced = new HashSet<>();
        state.statisticsRefs().values().forEach(v -> referenced.addAll(v.values()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(statistics)) {
            for (Path p : files) {
                if (!referenced.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ================================================================== checkpoint

    private void checkpoint() throws IOException {
        Path temp = Files.createTempFile(staging, "snapshot-", ".tmp");
        boolean published = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                long records = 0;
                line(out, json.createObjectNode().put("t", "header").put("format", FORMAT).put("version", VERSION)
                        .put("seq", seq));
                for (FsState.FamilyRow f : state.familyRows()) {
                    line(out, FsCodec.family(f).put("t", "family"));
                    records++;
                }
                for (Model m : state.models()) {
                    line(out, FsCodec.model(m).put("t", "model"));
                    records++;
                }
                for (FsState.EdgeRow e : state.edges()) {
                    line(out, FsCodec.edgeRow(e).put("t", "edge"));
                    records++;
                }
                for (PairDistance d : state.allDistances()) {
                    line(out, FsCodec.distance(d).put("t", "distance"));
                    records++;
                }
                for (Map.Entry<String, Map<String, String>> e : state.statisticsRefs().entrySet()) {
                    for (Map.Entry<String, String> v : e.getValue().entrySet()) {
                        line(out, json.createObjectNode().put("t", "statistics").put("id", e.getKey())
                                .put("version", v.getKey()).put("sha256", v.getValue()));
                        records++;
                    }
                }
                for (Job j : state.allJobs()) {
                    line(out, FsCodec.job(j).put("t", "job"));
                    records++;
                }
                for (ApiToken t : state.allTokens()) {
                    line(out, FsCodec.token(t).put("t", "token"));
                    records++;
                }
                for (AuditEntry e : state.allAudit()) {
                    line(out, FsCodec.audit(e).put("t", "audit"));
                    records++;
                }
                line(out, json.createObjectNode().put("t", "end").put("records", records));
                out.flush();
                ch.force(true);
            }
            AtomicFiles.publish(temp, snapshot);
            published = true;
        } finally {
            if (!published) {
                Files.deleteIfExists(temp);
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journal)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (JOURNAL_NAME.matcher(name).matches() && Long.parseLong(name.substring(0, 20)) <= seq) {
                    Files.deleteIfExists(p);
                }
            }
        }
        journalEntries = 0;
        journalBytes = 0;
        collectStatistics();
        LOG.debug("{}: snapshot at journal entry {}", dir, seq);
    }

    private void line(OutputStream out, ObjectNode node) throws IOException {
        out.write(json.writeValueAsBytes(node));
        out.write('\n');
    }

    // ================================================================== locking helpers

    private <T> T read(Supplier<T> work) {
        rw.readLock().lock();
        try {
            ensureOpen();
            return work.get();
        } finally {
            rw.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException(this + " is closed");
        }
    }

    /** Applies internal changes in memory and journals them; caller holds the write lock. */
    private void commit(List<Object> changes) {
        FsState.Undo undo = new FsState.Undo();
        try {
            for (Object change : changes) {
                state.apply(change, undo);
            }
            ObjectNode record = json.createObjectNode().put("seq", seq + 1);
            ArrayNode ops = record.putArray("ops");
            changes.forEach(c -> ops.add(FsCodec.change(c)));
            byte[] bytes = json.writeValueAsBytes(record);
            Path entry = journal.resolve(String.format("%020d.json", seq + 1));
            try {
                AtomicFiles.write(staging, entry, bytes);
            } catch (IOException e) {
                Files.deleteIfExists(entry); // in case only the folder sync failed
                throw e;
            }
            seq++;
            journalEntries++;
            journalBytes += bytes.length;
        } catch (IOException e) {
            undo.rollback();
            throw new StoreException(dir + ": cannot write the journal: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            undo.rollback();
            throw e;
        }
        if (journalEntries >= checkpointEntries || journalBytes >= checkpointBytes) {
            try {
                checkpoint();
            } catch (IOException e) {
                // the journal still holds everything; try again after the next change
                LOG.warn("{}: cannot write a snapshot: {}", dir, e.toString());
            }
        }
    }

    private String storeStatistics(byte[] data) throws IOException {
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        Path file = statistics.resolve(sha);
        if (!Files.exists(file)) {
            AtomicFiles.write(staging, file, data);
        }
        return sha;
    }

    // ================================================================== writes

    @Override
    public void apply(ChangeSet changes) {
        if (changes.isEmpty()) {
            return;
        }
        rw.writeLock().lock();
        try {
            ensureOpen();
            List<Object> resolved = new ArrayList<>(changes.changes().size());
            for (Change c : changes.changes()) {
                if (c instanceof Change.PutStatistics p) {
                    try {
                        resolved.add(new FsState.StoredStatistics(p.modelId(), p.version(), storeStatistics(p.data())));
                    } catch (IOException e) {
                        throw new StoreException(dir + ": cannot write statistics: " + e.getMessage(), e);
                    }
                } else {
                    resolved.add(c);
                }
            }
            commit(resolved);
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public Optional<Job> claimNextJob() {
        rw.writeLock().lock();
        try {
            ensureOpen();
            Optional<String> next = state.nextQueued();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            commit(List.of(new FsState.ClaimJob(next.get(), Instant.now())));
            return state.job(next.get());
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public int requeueInterruptedJobs() {
        rw.writeLock().lock();
        try {
            ensureOpen();
            int running = state.jobs(JobState.RUNNING).size();
            if (running > 0) {
                commit(List.of(new FsState.RequeueRunning()));
            }
            return running;
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        rw.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (journalEntries > 0) {
                try {
                    checkpoint();
                } catch (IOException e) {
                    LOG.warn("{}: cannot write a snapshot on close (the journal keeps everything): {}", dir, e.toString());
                }
            }
            ownerLock.close();
        } finally {
            rw.writeLock().unlock();
        }
    }

    // ================================================================== reads

    @Override
    public Optional<Model> model(String id) {
        return read(() -> state.model(id));
    }

    @Override
    public Optional<Model> modelByChecksum(String checksum) {
        return read(() -> state.modelByChecksum(checksum));
    }

    @Override
    public Page<Model> searchModels(ModelQuery query) {
        return read(() -> state.search(query));
    }

    @Override
    public List<Model> children(String modelId) {
        return read(() -> state.children(modelId));
    }

    @Override
    public boolean blobReferenced(String sha256) {
        return read(() -> state.blobReferenced(sha256));
    }

    @Override
    public Optional<Family> family(String id) {
        return read(() -> state.family(id));
    }

    @Override
    public Page<Family> families(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0");
        }
        return read(() -> state.families(offset, limit));
    }

    @Override
    public List<Family> familiesByStructuralHash(String structuralHash) {
        return read(() -> state.familiesByHash(structuralHash));
    }

    @Override
    public List<LineageEdge> lineage(String familyId) {
        return read(() -> state.lineage(familyId));
    }

    @Override
    public OptionalDouble distance(String modelA, String modelB, String metric) {
        Double d = read(() -> state.distance(modelA, modelB, metric));
        return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    @Override
    public List<PairDistance> distances(Collection<String> modelIds, String metric) {
        return read(() -> state.distances(modelIds, metric));
    }

    @Override
    public Optional<byte[]> statistics(String modelId, String version) {
        return read(() -> {
            String sha = state.statisticsSha(modelId, version);
            if (sha == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readAllBytes(statistics.resolve(Ids.requireSha256(sha, "statistics"))));
            } catch (NoSuchFileException e) {
                throw new StoreException(dir + ": statistics file " + sha + " is missing", e);
            } catch (IOException e) {
                throw new StoreException(dir + ": cannot read statistics: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Optional<Job> job(String modelId) {
        return read(() -> state.job(modelId));
    }

    @Override
    public List<Job> jobs(JobState state) {
        return read(() -> this.state.jobs(state));
    }

    @Override
    public LakeTotals totals() {
        return read(state::totals);
    }

    @Override
    public LakeStats stats(int largestFamilies) {
        return read(() -> state.stats(largestFamilies));
    }

    @Override
    public Optional<ApiToken> token(String id) {
        return read(() -> state.token(id));
    }

    @Override
    public Optional<ApiToken> tokenBySecretHash(String secretHash) {
        return read(() -> state.tokenBySecretHash(secretHash));
    }

    @Override
    public List<ApiToken> tokens() {
        return read(state::tokens);
    }

    @Override
    public Page<AuditEntry> audit(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0");
        }
        return read(() -> state.audit(offset, limit));
    }
}
