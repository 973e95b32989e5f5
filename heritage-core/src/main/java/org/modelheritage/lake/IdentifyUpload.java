package org.modelheritage.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.modelheritage.store.ModelFile;

/**
 * Weights to identify ({@link ModelLake#identify}) arriving as streams, e.g. over the network:
 * like a {@link ModelUpload} (the same size limit, file-name rules and errors), but the files go
 * to a private temporary directory, not to the blob store, and {@link #close()} deletes it, so
 * nothing of them outlives the call, whether it answered, failed or was abandoned half-way. Not
 * thread-safe; use one per request.
 *
 * <pre>{@code
 * try (IdentifyUpload probe = lake.beginIdentify()) {
 *     probe.addFile("model.safetensors", in);
 *     Identification what = probe.identify();
 * }
 * }</pre>
 */
public final class IdentifyUpload implements AutoCloseable {
    private final ModelIdentifier identifier;
    private final long maxBytes;
    private final Path dir;
    private final List<ModelFile> files = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long bytes;
    private boolean closed;

    IdentifyUpload(ModelIdentifier identifier, long maxBytes, Path workDir) throws IOException {
        this.identifier = identifier;
        this.maxBytes = maxBytes;
        Files.createDirectories(workDir);
        this.dir = Files.createTempDirectory(workDir, "identify-");
    }

    /**
     * Streams one file into the temporary directory (reading {@code in} to its end, not closing it).
     *
     * @param fileName the file's name (a path is cut to its last element); shards must keep the
     *                 names their index uses
     * @param in       the file's bytes; read to the end, not closed
     * @return the file as received: its cleaned name, SHA-256 and size
     * @throws UploadTooLargeException when the files together pass the lake's upload limit
     * @throws InvalidModelException for an empty, unsafe or repeated file name
     * @throws IllegalStateException when this upload is closed
     * @throws IOException when the stream fails or the file cannot be written
     */
    public ModelFile addFile(String fileName, InputStream in) throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        String name = ModelUpload.cleanFileName(fileName);
        if (!names.add(name)) {
            throw new InvalidModelException("two files named '" + name + "' in one upload");
        }
        MessageDigest sha = sha256();
        long size = 0;
        try (InputStream digesting = new DigestInputStream(in, sha);
             OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = digesting.read(buffer)) >= 0; ) {
                size += n;
                if (bytes + size > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
        bytes += size;
        ModelFile file = new ModelFile(name, HexFormat.of().formatHex(sha.digest()), size);
        files.add(file);
        return file;
    }

    /**
     * Identifies what arrived: see {@link ModelLake#identify(List)}. May be called more than once.
     *
     * @return what the lake makes of the weights; nothing is stored
     * @throws InvalidModelException no file, or weights the readers reject (their message)
     * @throws IllegalStateException when this upload is closed
     * @throws IOException when the files cannot be read
     */
    public Identification identify() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        Path weights = files.size() == 1 ? dir.resolve(files.get(0).name()) : dir;
        return identifier.identify(weights, files);
    }

    /**
     * Deletes the temporary files; closing again does nothing.
     *
     * @throws IOException when a file cannot be deleted
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The SHA-256 of a local file, read once. */
    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
