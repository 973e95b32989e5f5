package org.modelheritage.lake;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.StoredBlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a blob may go. Identical uploads share one blob, so a failed or duplicate upload
 * must not delete bytes that another upload is about to commit. A blob is kept while a model lists
 * it or an upload holds it (uploads pin their blobs until they commit or give up); and while any
 * put is streaming — whose hash is not known until it ends — deletions wait, then run.
 *
 * <p>On a store other processes share, pins are also recorded there ({@link MetadataStore#holdBlob}),
 * claimed before the put publishes the blob, and a deletion is decided by the store against every
 * process's holds ({@link MetadataStore#deleteBlobIfUnused}): another process's deletion either
 * comes before the claim, and the put stores the bytes again, or sees the hold.
 */
final class BlobKeeper {
    private static final Logger log = LoggerFactory.getLogger(BlobKeeper.class);

    private final BlobStore blobs;
    private final MetadataStore meta;
    private final Map<String, Integer> pins = new HashMap<>();
    private final Set<String> deferred = new LinkedHashSet<>();
    private int putsInFlight;
    /** This lake's label on its holds in a shared store; null when the store is this process's alone. */
    private final String holder;

    BlobKeeper(BlobStore blobs, MetadataStore meta) {
        this.blobs = blobs;
        this.meta = meta;
        this.holder = meta.sharedByProcesses()
                ? ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID() : null;
    }

    /** Streams bytes into the blob store and pins the blob for the caller. */
    StoredBlob store(InputStream in, long maxBytes) throws IOException {
        synchronized (this) {
            putsInFlight++;
        }
        try {
            if (holder == null) {
                StoredBlob stored = blobs.put(in, maxBytes);
                pin(stored.ref().sha256());
                return stored;
            }
            String[] claimed = new String[1];
            try {
                return blobs.put(in, maxBytes, sha256 -> {
                    pin(sha256); // holds it in the store first time round
                    claimed[0] = sha256;
                });
            } catch (IOException | RuntimeException e) {
                if (claimed[0] != null) {
                    release(claimed[0]);
                }
                throw e;
            }
        } finally {
            List<String> toCheck = List.of();
            synchronized (this) {
                if (--putsInFlight == 0 && !deferred.isEmpty()) {
                    toCheck = List.copyOf(deferred);
                    deferred.clear();
                }
            }
            toCheck.forEach(this::deleteIfUnused);
        }
    }

    synchronized void pin(String sha256) {
        if (holder != null && !pins.containsKey(sha256)) {
            meta.holdBlob(sha256, holder); // first: a hold that fails leaves no pin behind
        }
        pins.merge(sha256, 1, Integer::sum);
    }

    synchronized void unpin(String sha256) {
        if (pins.computeIfPresent(sha256, (k, n) -> n == 1 ? null : n - 1) == null && holder != null) {
            meta.releaseBlob(sha256, holder);
        }
    }

    /** Deletes the blob unless an upload holds it or a model lists it. */
    synchronized void deleteIfUnused(String sha256) {
        if (pins.containsKey(sha256) || (holder == null && meta.blobReferenced(sha256))) {
            return;
        }
        if (putsInFlight > 0) {
            deferred.add(sha256); // a streaming put may be about to claim these very bytes
            return;
        }
        try {
            if (holder == null) {
                blobs.delete(sha256);
            } else {
                meta.deleteBlobIfUnused(sha256, () -> blobs.delete(sha256));
            }
        } catch (IOException e) {
            // Left as an orphan; the next open of the lake collects it.
            log.warn("could not delete unused blob {}: {}", sha256, e.toString());
        }
    }

    /** Unpins and deletes if unused: what an upload that gives up does with each of its blobs. */
    synchronized void release(String sha256) {
        unpin(sha256);
        deleteIfUnused(sha256);
    }

    /**
     * Deletes every stored blob no model lists: what a crash between a put and its commit left.
     * Each blob is decided on its own under this keeper's lock, so uploads and removals go on
     * meanwhile (the sweep runs beside a serving lake); it ends early when {@code stop} says so.
     */
    int collectOrphans(java.util.function.BooleanSupplier stop) throws IOException {
        int removed = 0;
        List<String> all;
        try (var stream = blobs.list()) {
            all = stream.map(b -> b.sha256()).toList();
        }
        for (String sha : all) {
            if (stop.getAsBoolean()) {
                break;
            }
            synchronized (this) {
                if (!pins.containsKey(sha) && putsInFlight == 0 && !meta.blobReferenced(sha) && blobs.delete(sha)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
