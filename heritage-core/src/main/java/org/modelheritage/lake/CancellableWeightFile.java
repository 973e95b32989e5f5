package org.modelheritage.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.modelheritage.read.FloatSink;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;

/**
 * A weight file whose reading stops, with {@link JobCancelledException}, once its flag is raised:
 * checked before each tensor and at each chunk, so a model removed while a worker reads it (a
 * large file, a view-heavy one) costs that worker at most one more chunk.
 */
final class CancellableWeightFile implements WeightFile {
    private final WeightFile file;
    private final AtomicBoolean cancelled;

    CancellableWeightFile(WeightFile file, AtomicBoolean cancelled) {
        this.file = file;
        this.cancelled = cancelled;
    }

    private void check() {
        if (cancelled.get()) {
            throw new JobCancelledException();
        }
    }

    @Override
    public void read(String name, FloatSink sink) throws IOException {
        check();
        file.read(name, (values, length) -> {
            check();
            sink.accept(values, length);
        });
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public WeightFormat format() {
        return file.format();
    }

    @Override
    public List<TensorInfo> tensors() {
        return file.tensors();
    }

    @Override
    public Map<String, String> metadata() {
        return file.metadata();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /** The model being read was removed: its job stops, nothing of it is kept. */
    static final class JobCancelledException extends RuntimeException {
        JobCancelledException() {
            super("the model was removed while it was processed", null, false, false);
        }
    }
}
