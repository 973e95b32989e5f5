package org.modelheritage.lake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.modelheritage.store.BlobTooLargeException;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.StoredBlob;

/**
 * One upload in progress: files stream into the blob store as they arrive (the name may come
 * later, as in a web form), then {@link #commit} validates and registers the model. Closing an
 * upload that was not committed removes every blob it stored that nothing else uses, so a failed
 * upload leaves nothing behind. Not thread-safe; use one per upload.
 *
 * <pre>{@code
 * try (ModelUpload upload = lake.beginUpload()) {
 *     upload.addFile("model.safetensors", in);
 *     Model m = upload.commit("my-model", null);
 * }
 * }</pre>
 */
public final class ModelUpload implements AutoCloseable {
    private static final int MAX_FILE_NAME = 255;

    private final ModelLake lake;
    private final long maxBytes;
    private final List<ModelFile> files = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long bytes;
    private boolean committed;
    private boolean closed;
    private final long startedNanos = System.nanoTime();

    ModelUpload(ModelLake lake, long maxBytes) {
        this.lake = lake;
        this.maxBytes = maxBytes;
    }

    /**
     * Streams one file into the blob store (reading {@code in} to its end, not closing it).
     *
     * @param fileName the uploaded file's name (a path is cut to its last element); shards of a
     *                 sharded checkpoint must keep the names its index uses
     * @param in       the file's bytes; read to the end, not closed
     * @return the file as recorded: its cleaned name, the SHA-256 of its bytes and their count
     * @throws UploadTooLargeException when the upload's files together pass the limit
     * @throws InvalidModelException   for an empty, unsafe or repeated file name
     * @throws IllegalStateException   when the upload is closed
     * @throws IOException             when the stream or the blob store fails
     */
    public ModelFile addFile(String fileName, InputStream in) throws IOException {
        checkOpen();
        String name = cleanFileName(fileName);
        if (!names.add(name)) {
            throw new InvalidModelException("two files named '" + name + "' in one upload");
        }
        StoredBlob stored;
        try {
            stored = lake.blobKeeper().store(in, maxBytes - bytes);
        } catch (BlobTooLargeException e) {
            throw new UploadTooLargeException(maxBytes);
        }
        ModelFile file = new ModelFile(name, stored.ref().sha256(), stored.ref().size());
        files.add(file); // pinned by storeBlob: close() releases it
        bytes += file.size();
        return file;
    }

    /** {@return the files received so far, in the order they arrived; a copy} */
    public List<ModelFile> files() {
        return List.copyOf(files);
    }

    /**
     * Validates the upload (a name, at least one file, weights the readers can open, bytes not
     * already in the lake) and registers the model as PENDING with a processing job.
     *
     * @param name        the model's display name; stripped, then required non-empty, at most
     *                    1024 characters, with no control character
     * @param description free text, or null; stripped, and blank becomes null; tabs and line breaks allowed
     * @return the model as stored: a new UUID, status {@link org.modelheritage.store.ModelStatus#PENDING}
     * @throws InvalidModelException   no name, no file, or unreadable weights (the reader's message)
     * @throws DuplicateModelException these bytes are already a model
     * @throws IllegalStateException   when the upload is closed or already committed
     * @throws IOException             when the blobs cannot be read to check the weights
     */
    public org.modelheritage.store.Model commit(String name, String description) throws IOException {
        checkOpen();
        if (committed) {
            throw new IllegalStateException("already committed");
        }
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty()) {
            throw new InvalidModelException("name is required");
        }
        if (cleanName.length() > 1024) {
            throw new InvalidModelException("name is longer than 1024 characters");
        }
        checkText("name", cleanName, false);
        if (files.isEmpty()) {
            throw new InvalidModelException("no file uploaded: send the weights as the 'file' field");
        }
        String desc = description == null || description.isBlank() ? null : description.strip();
        if (desc != null) {
            checkText("description", desc, true);
        }
        org.modelheritage.store.Model model = lake.register(cleanName, desc, files, checksum(files));
        committed = true;
        return model;
    }

    /**
     * Refuses text no store keeps the same way: PostgreSQL rejects NUL, SQLite and the file store
     * keep it, and a lone surrogate becomes '?' in one and an error in another. Checked here, before
     * any store sees it, so every store behaves alike. A description may hold tabs and line breaks.
     */
    static void checkText(String field, String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
                throw new InvalidModelException(field + " holds a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidModelException(field + " holds an unpaired surrogate at position " + i);
            }
        }
    }

    /** Gives up an uncommitted upload, removing its blobs unless something else uses them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ModelFile f : files) {
            if (committed) {
                lake.blobKeeper().unpin(f.sha256());
            } else {
                lake.blobKeeper().release(f.sha256());
            }
        }
        boolean accepted = committed;
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - startedNanos);
        lake.notifyListeners(l -> l.uploadEnded(accepted, bytes, took));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("upload is closed");
        }
    }

    /**
     * The model's identity: a single file's SHA-256, or for several files the SHA-256 of their
     * sorted "name sha256" lines — the same files give the same checksum in any order.
     */
    static String checksum(List<ModelFile> files) {
        if (files.size() == 1) {
            return files.get(0).sha256();
        }
        StringBuilder manifest = new StringBuilder();
        files.stream().sorted(Comparator.comparing(ModelFile::name))
                .forEach(f -> manifest.append(f.name()).append(' ').append(f.sha256()).append('\n'));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(manifest.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    static String cleanFileName(String raw) {
        if (raw == null) {
            throw new InvalidModelException("a file has no name");
        }
        String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new InvalidModelException("invalid file name '" + raw + "'");
        }
        if (name.length() > MAX_FILE_NAME) {
            throw new InvalidModelException("file name longer than " + MAX_FILE_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new InvalidModelException("file name with a control character");
            }
        }
        return name;
    }
}
