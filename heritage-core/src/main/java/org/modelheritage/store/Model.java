package org.modelheritage.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A model in the lake: what the uploader said, what the bytes are, what processing found, and
 * where lineage put it.
 *
 * <p>Fields learnt by processing (format, parameter and layer counts, structural hash, family,
 * parent, confidence, processedAt) are null until then. Timestamps are kept to the millisecond so
 * that every adapter returns exactly what it was given.
 *
 * @param id             caller-generated (a UUID, say), see {@link Ids#requireId}
 * @param files          the uploaded files and their blobs, in upload order
 * @param checksum       SHA-256 identifying the model's bytes; unique in a store
 * @param byteSize       total bytes of all files
 * @param confidence     how sure lineage is of {@code parentId}; null without a parent
 * @param failureMessage why processing failed; null unless {@link ModelStatus#FAILED}
 */
public record Model(
        String id,
        String name,
        String description,
        List<ModelFile> files,
        String format,
        String checksum,
        long byteSize,
        Long parameterCount,
        Integer layerCount,
        String structuralHash,
        String familyId,
        String parentId,
        Double confidence,
        ModelStatus status,
        String failureMessage,
        Instant createdAt,
        Instant processedAt) {

    /** Validates the components. */
    public Model {
        Ids.requireId(id, "model id");
        Objects.requireNonNull(name, "model name");
        if (name.isBlank() || name.length() > 1024) {
            throw new IllegalArgumentException("model name must be non-blank and at most 1024 characters");
        }
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        if (format != null && format.isBlank()) {
            format = null;
        }
        Ids.requireSha256(checksum, "model checksum");
        if (byteSize < 0) {
            throw new IllegalArgumentException("byte size must be >= 0, got " + byteSize);
        }
        if (parameterCount != null && parameterCount < 0) {
            throw new IllegalArgumentException("parameter count must be >= 0, got " + parameterCount);
        }
        if (layerCount != null && layerCount < 0) {
            throw new IllegalArgumentException("layer count must be >= 0, got " + layerCount);
        }
        Ids.optionalId(familyId, "family id");
        Ids.optionalId(parentId, "parent id");
        if (id.equals(parentId)) {
            throw new IllegalArgumentException("model " + id + " cannot be its own parent");
        }
        if (confidence != null && !Double.isFinite(confidence)) {
            throw new IllegalArgumentException("confidence must be finite, got " + confidence);
        }
        Objects.requireNonNull(status, "status");
        createdAt = millis(Objects.requireNonNull(createdAt, "createdAt"));
        processedAt = millis(processedAt);
    }

    /** A pending model as it is right after upload. */
    public static Builder builder(String id, String name, String checksum, long byteSize, Instant createdAt) {
        return new Builder(id, name, checksum, byteSize, createdAt);
    }

    /** A builder holding this model's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(id, name, checksum, byteSize, createdAt);
        b.description = description;
        b.files = files;
        b.format = format;
        b.parameterCount = parameterCount;
        b.layerCount = layerCount;
        b.structuralHash = structuralHash;
        b.familyId = familyId;
        b.parentId = parentId;
        b.confidence = confidence;
        b.status = status;
        b.failureMessage = failureMessage;
        b.processedAt = processedAt;
        return b;
    }

    /** The original file names, in upload order. */
    public List<String> fileNames() {
        return files.stream().map(ModelFile::name).toList();
    }

    static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Builds a {@link Model}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String id;
        private String name;
        private String description;
        private List<ModelFile> files = List.of();
        private String format;
        private String checksum;
        private long byteSize;
        private Long parameterCount;
        private Integer layerCount;
        private String structuralHash;
        private String familyId;
        private String parentId;
        private Double confidence;
        private ModelStatus status = ModelStatus.PENDING;
        private String failureMessage;
        private Instant createdAt;
        private Instant processedAt;

        private Builder(String id, String name, String checksum, long byteSize, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.checksum = checksum;
            this.byteSize = byteSize;
            this.createdAt = createdAt;
        }

        /** Sets {@code id}. */
        public Builder id(String v) { id = v; return this; }
        /** Sets {@code name}. */
        public Builder name(String v) { name = v; return this; }
        /** Sets {@code description}. */
        public Builder description(String v) { description = v; return this; }
        /** Sets {@code files}. */
        public Builder files(List<ModelFile> v) { files = v; return this; }
        /** Sets {@code format}. */
        public Builder format(String v) { format = v; return this; }
        /** Sets {@code checksum}. */
        public Builder checksum(String v) { checksum = v; return this; }
        /** Sets {@code byteSize}. */
        public Builder byteSize(long v) { byteSize = v; return this; }
        /** Sets {@code parameterCount}. */
        public Builder parameterCount(Long v) { parameterCount = v; return this; }
        /** Sets {@code layerCount}. */
        public Builder layerCount(Integer v) { layerCount = v; return this; }
        /** Sets {@code structuralHash}. */
        public Builder structuralHash(String v) { structuralHash = v; return this; }
        /** Sets {@code familyId}. */
        public Builder familyId(String v) { familyId = v; return this; }
        /** Sets {@code parentId}. */
        public Builder parentId(String v) { parentId = v; return this; }
        /** Sets {@code confidence}. */
        public Builder confidence(Double v) { confidence = v; return this; }
        /** Sets {@code status}. */
        public Builder status(ModelStatus v) { status = v; return this; }
        /** Sets {@code failureMessage}. */
        public Builder failureMessage(String v) { failureMessage = v; return this; }
        /** Sets {@code createdAt}. */
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        /** Sets {@code processedAt}. */
        public Builder processedAt(Instant v) { processedAt = v; return this; }

        /** The model; the record's checks apply. */
        public Model build() {
            return new Model(id, name, description, files, format, checksum, byteSize, parameterCount, layerCount,
                    structuralHash, familyId, parentId, confidence, status, failureMessage, createdAt, processedAt);
        }
    }
}
