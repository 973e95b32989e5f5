package org.modelheritage.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.modelheritage.compare.Comparison;
import org.modelheritage.compare.WeightDiff;
import org.modelheritage.read.ReadLimits;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.Model;

/**
 * Two models of the lake compared tensor by tensor ({@link ModelLake#compare}): A read as the
 * parent, B as the child. Immutable.
 *
 * @param a          the model read as the parent
 * @param b          the model read as the child
 * @param comparison the tensor-by-tensor comparison of their weights
 */
public record ModelComparison(Model a, Model b, Comparison comparison) {
    /**
     * Checks the components.
     *
     * @param a          not null
     * @param b          not null
     * @param comparison not null
     * @throws NullPointerException when a component is null
     */
    public ModelComparison {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(comparison, "comparison");
    }

    /** Streams both models' blobs side by side ({@link WeightDiff}). */
    static ModelComparison of(Model a, Model b, BlobStore blobs, Path workDir, ReadLimits limits) throws IOException {
        try (MaterialisedModel va = MaterialisedModel.of(blobs, a.files(), workDir);
             MaterialisedModel vb = MaterialisedModel.of(blobs, b.files(), workDir);
             WeightFile fa = open(va, limits);
             WeightFile fb = open(vb, limits)) {
            return new ModelComparison(a, b, WeightDiff.between(fa, fb));
        }
    }

    private static WeightFile open(MaterialisedModel view, ReadLimits limits) throws IOException {
        try {
            return WeightReaders.open(view.path(), limits);
        } catch (WeightFormatException e) {
            throw new InvalidModelException(view.describe(e), e);
        }
    }
}
