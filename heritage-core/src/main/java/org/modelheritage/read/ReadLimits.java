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

    /**
     * Checks the components.
     *
     * @param maxTensors       at least 1
     * @param maxHeaderBytes   2 to {@value #DEFAULT_MAX_HEADER_BYTES} (the safetensors format's own ceiling)
     * @param maxMetadataBytes at least 0
     * @param maxReadFactor    at least 1
     * @throws IllegalArgumentException when a limit is out of its range
     */
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

    /** {@return the default limits: 100,000 tensors, 100 MB headers, 10 MB metadata, read factor 4} */
    public static ReadLimits defaults() {
        return new ReadLimits(DEFAULT_MAX_TENSORS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_READ_FACTOR);
    }

    /**
     * These limits with another tensor count.
     *
     * @param n the most tensors per model (all shards together), at least 1
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code n} is below 1
     */
    public ReadLimits withMaxTensors(int n) {
        return new ReadLimits(n, maxHeaderBytes, maxMetadataBytes, maxReadFactor);
    }

    /**
     * These limits with another safetensors header size.
     *
     * @param n the most bytes of header JSON per file, 2 to {@value #DEFAULT_MAX_HEADER_BYTES}
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code n} is out of range
     */
    public ReadLimits withMaxHeaderBytes(long n) {
        return new ReadLimits(maxTensors, n, maxMetadataBytes, maxReadFactor);
    }

    /**
     * These limits with another safetensors {@code __metadata__} size.
     *
     * @param n the most characters of metadata, keys and values together, at least 0
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public ReadLimits withMaxMetadataBytes(long n) {
        return new ReadLimits(maxTensors, maxHeaderBytes, n, maxReadFactor);
    }

    /**
     * These limits with another PyTorch read factor.
     *
     * @param n the most elements all tensors may read, as a multiple of their distinct storages' elements, at least 1
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code n} is below 1
     */
    public ReadLimits withMaxReadFactor(int n) {
        return new ReadLimits(maxTensors, maxHeaderBytes, maxMetadataBytes, n);
    }
}
