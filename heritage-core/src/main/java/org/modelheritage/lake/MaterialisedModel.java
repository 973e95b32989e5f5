package org.modelheritage.lake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.ModelFile;

/**
 * A model's files laid out where a reader can open them by path. Blobs are stored by hash, but a
 * sharded checkpoint is a directory whose index names its shards; so a multi-file model becomes a
 * temporary directory of links (copies when the blob store has no local files) under the uploaded
 * names. A single file is read in place when the blob store keeps local files.
 */
final class MaterialisedModel implements AutoCloseable {
    private final Path path;
    private final Path temporary;
    private final List<ModelFile> files;

    private MaterialisedModel(Path path, Path temporary, List<ModelFile> files) {
        this.path = path;
        this.temporary = temporary;
        this.files = files;
    }

    static MaterialisedModel of(BlobStore blobs, List<ModelFile> files, Path workDir) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one file");
        }
        Files.createDirectories(workDir);
        if (files.size() == 1) {
            ModelFile only = files.get(0);
            Optional<Path> local = blobs.localPath(only.sha256());
            if (local.isPresent()) {
                return new MaterialisedModel(local.get(), null, files);
            }
            Path copy = Files.createTempFile(workDir, "model-", ".bin");
            try (InputStream in = blobs.open(only.sha256())) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(copy);
                throw e;
            }
            return new MaterialisedModel(copy, copy, files);
        }
        Path dir = Files.createTempDirectory(workDir, "model-");
        try {
            for (ModelFile f : files) {
                Path target = dir.resolve(f.name());
                Optional<Path> local = blobs.localPath(f.sha256());
                if (local.isPresent() && link(local.get().toAbsolutePath(), target)) {
                    continue;
                }
                try (InputStream in = blobs.open(f.sha256())) {
                    Files.copy(in, target);
                }
            }
        } catch (IOException | RuntimeException e) {
            WorkDirectory.deleteTree(dir);
            throw e;
        }
        return new MaterialisedModel(dir, dir, files);
    }

    private static boolean link(Path blob, Path target) {
        try {
            Files.createSymbolicLink(target, blob);
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            return false; // e.g. a file system without symbolic links: copy instead
        }
    }

    /** The file or directory to open with {@link org.modelheritage.read.WeightReaders#open}. */
    Path path() {
        return path;
    }

    /**
     * The reader's message with the uploaded file name in place of the blob's path, so that the
     * person who uploaded "model.pt" reads about "model.pt", not about a hash.
     */
    String describe(WeightFormatException e) {
        return describe(files, e);
    }

    /** As {@link #describe(WeightFormatException)}, for files laid out elsewhere (identify's temporary copy). */
    static String describe(List<ModelFile> files, WeightFormatException e) {
        String where = files.size() == 1 ? files.get(0).name() : null;
        if (where == null && e.file() != null && e.file().getFileName() != null) {
            where = e.file().getFileName().toString();
        }
        StringBuilder sb = new StringBuilder("unreadable weights");
        if (where != null) {
            sb.append(" in '").append(where).append('\'');
        }
        if (e.location() != null && !e.location().isEmpty()) {
            sb.append(" at ").append(e.location());
        }
        return sb.append(": ").append(e.reason()).toString();
    }

    @Override
    public void close() throws IOException {
        if (temporary != null) {
            WorkDirectory.deleteTree(temporary);
        }
    }

}
