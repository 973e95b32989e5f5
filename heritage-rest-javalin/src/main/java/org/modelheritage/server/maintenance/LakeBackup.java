package org.modelheritage.server.maintenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.DirectoryBlobStore;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.StoredBlob;
import org.modelheritage.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up a lake whose metadata lives in SQLite while it serves, and restores one.
 *
 * <p>A backup directory holds {@code heritage.db} (a consistent snapshot: SQLite's
 * {@code VACUUM INTO} reads in one transaction, which WAL mode lets run beside the server's
 * writes), {@code blobs/} (the same layout as a lake's, every blob the snapshot references, checked
 * against its SHA-256 as it is copied) and {@code backup.json}. Blobs are content-addressed and never
 * change, so a second backup into the same directory copies only blobs it does not have yet. The
 * new snapshot replaces the old one only once all its blobs are in, so the directory always holds a
 * snapshot whose blobs are all there.
 *
 * <p>A blob is stored before the model that lists it is committed, so every blob a snapshot
 * references exists when the snapshot is taken; a model deleted between the snapshot and the copy
 * takes its blob with it, and then the snapshot is taken again (a few times at most).
 */
public final class LakeBackup {
    private static final Logger log = LoggerFactory.getLogger(LakeBackup.class);
    static final String DATABASE = "heritage.db";
    static final String BLOBS = "blobs";
    static final String MANIFEST = "backup.json";
    private static final int ATTEMPTS = 3;

    /** What a backup or a restore did. */
    public record Result(long models, int blobs, int blobsCopied, long bytesCopied) {
    }

    /** The backup cannot be made or used as asked; the message says why and what to do. */
    public static final class BackupException extends Exception {
        public BackupException(String message) {
            super(message);
        }

        BackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private LakeBackup() {
    }

    /** The SQLite file of a {@code jdbc:sqlite:PATH} store URI; null for any other store. */
    public static Path sqliteFile(URI store) {
        String s = store.toString();
        if (!s.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String rest = s.substring("jdbc:sqlite:".length());
        rest = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        return Path.of(rest.startsWith("file:") ? rest.substring(5) : rest).toAbsolutePath().normalize();
    }

    /** Backs the lake (SQLite file {@code database}, blobs at {@code blobStore}) up into {@code to}. */
    public static Result backup(Path database, URI blobStore, Path to) throws IOException, BackupException {
        if (!Files.isRegularFile(database)) {
            throw new BackupException("no lake database at " + database);
        }
        Files.createDirectories(to);
        Path snapshot = to.resolve(DATABASE + ".new");
        try (BlobStore source = Stores.openBlobs(blobStore); DirectoryBlobStore target = DirectoryBlobStore.open(to.resolve(BLOBS))) {
            for (int attempt = 1; ; attempt++) {
                Files.deleteIfExists(snapshot);
                snapshot(database, snapshot);
                try {
                    Result result = copyReferencedBlobs(snapshot, source, target);
                    Files.move(snapshot, to.resolve(DATABASE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    writeManifest(to, result);
                    return result;
                } catch (NoSuchFileException e) {
                    if (attempt == ATTEMPTS) {
                        throw new BackupException("blobs kept vanishing between snapshot and copy (models being "
                                + "deleted?); try again: " + e.getMessage(), e);
                    }
                    log.info("a blob went away after the snapshot ({}); taking it again", e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    /**
     * Restores a backup into {@code data} (which must hold no lake yet): blobs first, each checked
     * against its hash, then the database, so an interrupted restore leaves no database behind.
     */
    public static Result restore(Path from, Path data) throws IOException, BackupException {
        Path db = from.resolve(DATABASE);
        if (!Files.isRegularFile(db) || !Files.isDirectory(from.resolve(BLOBS))) {
            throw new BackupException(from + " is not a backup: it has no " + DATABASE + " and " + BLOBS + "/");
        }
        Path targetDb = data.resolve(DATABASE);
        if (Files.exists(targetDb) || nonEmpty(data.resolve(BLOBS))) {
            throw new BackupException(data + " already holds a lake; restore into a new directory");
        }
        Files.createDirectories(data);
        Path incoming = data.resolve(DATABASE + ".restoring");
        Files.copy(db, incoming, StandardCopyOption.REPLACE_EXISTING);
        try (DirectoryBlobStore source = DirectoryBlobStore.open(from.resolve(BLOBS));
             DirectoryBlobStore target = DirectoryBlobStore.open(data.resolve(BLOBS))) {
            Result result;
            try {
                result = copyReferencedBlobs(incoming, source, target);
            } catch (NoSuchFileException e) {
                throw new BackupException("the backup is incomplete: blob " + e.getMessage() + " is missing", e);
            }
            Files.move(incoming, targetDb, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    private static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.anyMatch(Files::isRegularFile);
        }
    }

    /** {@code VACUUM INTO}: a compact, consistent copy taken in one read transaction. */
    static void snapshot(Path database, Path into) throws BackupException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 30000");
            st.execute("VACUUM INTO '" + into.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new BackupException("cannot snapshot " + database + ": " + e.getMessage(), e);
        }
    }

    /** Copies into {@code target} every blob the database references that it lacks, checking each hash. */
    private static Result copyReferencedBlobs(Path database, BlobStore source, BlobStore target)
            throws IOException, BackupException {
        Map<String, LakeFiles.BlobUse> referenced;
        long models;
        try (MetadataStore meta = Stores.openMetadata(URI.create("jdbc:sqlite:" + database))) {
            referenced = LakeFiles.referencedBlobs(meta);
            models = LakeFiles.count(meta);
        }
        int copied = 0;
        long bytes = 0;
        for (Map.Entry<String, LakeFiles.BlobUse> e : referenced.entrySet()) {
            String sha = e.getKey();
            if (target.exists(sha)) {
                continue;
            }
            StoredBlob stored;
            try (InputStream in = source.open(sha)) {
                stored = target.put(in);
            }
            if (!stored.ref().sha256().equals(sha)) {
                target.delete(stored.ref().sha256());
                throw new BackupException("blob " + sha + " is corrupt in the source (its bytes hash to "
                        + stored.ref().sha256() + "); run 'heritage-server check' on it");
            }
            copied++;
            bytes += stored.ref().size();
        }
        return new Result(models, referenced.size(), copied, bytes);
    }

    private static void writeManifest(Path to, Result r) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format", 1);
        m.put("version", org.modelheritage.server.ops.BuildVersion.get());
        m.put("created_at", Instant.now().toString());
        m.put("models", r.models());
        m.put("blobs", r.blobs());
        Path tmp = to.resolve(MANIFEST + ".tmp");
        Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        Files.move(tmp, to.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
