package org.modelheritage.read;

/**
 * What the readers accept from one model before refusing it with a {@link WeightFormatException},
 * so that a small hostile file cannot cost memory or CPU out of proportion to its bytes. The
 * defaults sit far above real checkpoints (the largest LLMs hold a few thousand tensors, headers
 * of a few MB, metadata of a few KB).
 *
 * @param maxTensors       tensors in one model (all shards together)
 * @param maxHeaderBytes   a safetensors header's JSON, per file
 * @param maxMetadataBytes a safetensors {@code __metadata__} map, keys and values together (UTF-16 chars)
 * @param maxReadFactor    PyTorch files: the elements all tensors read together, as a multiple of
 *                         the elements their distinct storages hold (views of one storage are read
 *                         once each, so 10,000 views of one storage would read it 10,000 times;
 *                         tied weights read a storage twice)
 */
public record ReadLimits(int maxTensors, long maxHeaderBytes, long maxMetadataBytes, int maxReadFactor) {
    /** Default: at most 100,000 tensors in one model. */
    public static final int DEFAULT_MAX_TENSORS = 100_000;
    /** The safetensors crate's own limit. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 100_000_000L;
    /** Default: at most 10 MB of safetensors {@code __metadata__}. */
    public static final long DEFAULT_MAX_METADATA_BYTES = 10_000_000L;
    /** Default: PyTorch tensors may read at most 4 times the elements of their distinct storages. */
    public static final int DEFAULT_MAX_READ_FACTOR = 4;

    /** Validates the components. */
    public ReadLimits {
        if (maxTensors < 1) {
            throw new IllegalArgumentException("maxTensors must be positive, got " + maxTensors);
        }
        if (maxHeaderBytes < 2 || maxHeaderBytes > DEFAULT_MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes must be 2 to " + DEFAULT_MAX_HEADER_BYTES + ", got " + maxHeaderBytes);
        }
        if (maxMetadataBytes < 0) {
            throw new IllegalArgumentException("maxMetadataBytes must not be negative, got " + maxMetadataBytes);
        }
        if (maxReadFactor < 1) {
            throw new IllegalArgumentException("maxReadFactor must be positive, got " + maxReadFactor);
        }
    }

    /** The default limits. */
    public static ReadLimits defaults() {
        return new ReadLimits(DEFAULT_MAX_TENSORS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_READ_FACTOR);
    }

    /** These limits with at most {@code n} tensors per model. */
    public ReadLimits withMaxTensors(int n) {
        return new ReadLimits(n, maxHeaderBytes, maxMetadataBytes, maxReadFactor);
    }

    /** These limits with a safetensors header of at most {@code n} bytes. */
    public ReadLimits withMaxHeaderBytes(long n) {
        return new ReadLimits(maxTensors, n, maxMetadataBytes, maxReadFactor);
    }

    /** These limits with at most {@code n} bytes of safetensors {@code __metadata__}. */
    public ReadLimits withMaxMetadataBytes(long n) {
        return new ReadLimits(maxTensors, maxHeaderBytes, n, maxReadFactor);
    }

    /** These limits with a PyTorch read factor of at most {@code n}. */
    public ReadLimits withMaxReadFactor(int n) {
        return new ReadLimits(maxTensors, maxHeaderBytes, maxMetadataBytes, n);
    }
}
