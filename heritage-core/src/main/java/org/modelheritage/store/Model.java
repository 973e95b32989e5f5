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
 * @param name           the uploader's display name: non-blank, at most 1024 characters, not unique
 * @param description    the uploader's free text; null when none was given
 * @param files          the uploaded files and their blobs, in upload order
 * @param format         the container format's {@link org.modelheritage.read.WeightFormat#id() id}
 *                       ("safetensors", "pytorch-zip", ...) once known; null before, and a blank
 *                       value is stored as null
 * @param checksum       SHA-256 identifying the model's bytes; unique in a store
 * @param byteSize       total bytes of all files, at least 0
 * @param parameterCount number of scalar weights over all tensors; null until processed, else at least 0
 * @param layerCount     number of layers the reader recognised; null until processed, else at least 0
 * @param structuralHash hex SHA-256 of the tensor names and shapes
 *                       ({@link org.modelheritage.signature.ModelSignature#structuralHash()}); null until processed
 * @param familyId       the {@link Family#id() family} lineage placed the model in; null until placed
 * @param parentId       the model lineage names as this one's parent; null for a family root, a
 *                       model not placed yet, or one without relatives; never {@code id} itself
 * @param confidence     how sure lineage is of {@code parentId}; null without a parent; finite
 * @param status         where the model is in processing; never null
 * @param failureMessage why processing failed; null unless {@link ModelStatus#FAILED}
 * @param createdAt      when the upload was stored; kept to the millisecond; never null
 * @param processedAt    when processing finished (READY or FAILED), to the millisecond; null before
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

    /**
     * Checks the components and normalises them: copies {@code files}, turns a blank {@code format}
     * into null, truncates the timestamps to milliseconds.
     *
     * @param id             checked by {@link Ids#requireId}
     * @param name           non-blank, at most 1024 characters
     * @param description    any text, or null
     * @param files          not null; copied
     * @param format         a format id or null; blank becomes null
     * @param checksum       checked by {@link Ids#requireSha256}
     * @param byteSize       at least 0
     * @param parameterCount null or at least 0
     * @param layerCount     null or at least 0
     * @param structuralHash any value or null
     * @param familyId       null or checked by {@link Ids#requireId}
     * @param parentId       null or checked by {@link Ids#requireId}; not {@code id}
     * @param confidence     null or finite
     * @param status         not null
     * @param failureMessage any text, or null
     * @param createdAt      not null; truncated to milliseconds
     * @param processedAt    null, or truncated to milliseconds
     * @throws IllegalArgumentException when an id or the checksum is malformed, the name is blank or
     *     longer than 1024 characters, a count is negative, {@code parentId} equals {@code id}, or
     *     {@code confidence} is not finite
     * @throws NullPointerException when {@code name}, {@code files}, {@code status} or {@code createdAt} is null
     */
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

    /**
     * A builder for a pending model as it is right after upload: no files, no processing results,
     * status {@link ModelStatus#PENDING}. Nothing is checked until {@link Builder#build()}.
     *
     * @param id        the model id, see {@link Ids#requireId}
     * @param name      the display name, non-blank, at most 1024 characters
     * @param checksum  the SHA-256 of the model's bytes, 64 lowercase hex digits
     * @param byteSize  total bytes of all files, at least 0
     * @param createdAt when the upload was stored
     * @return a new builder holding these values
     */
    public static Builder builder(String id, String name, String checksum, long byteSize, Instant createdAt) {
        return new Builder(id, name, checksum, byteSize, createdAt);
    }

    /**
     * A builder holding this model's values, to change some of them (a model is immutable: a
     * store update writes the copy).
     *
     * @return a new builder; changing it leaves this model as it is
     */
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

    /** {@return the original file names, in upload order; empty when the model has no files recorded} */
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

        /**
         * Sets {@link Model#id()}.
         *
         * @param v 1 to 128 characters of {@code [A-Za-z0-9_.-]}, checked by {@link #build()}
         * @return this builder
         */
        public Builder id(String v) { id = v; return this; }

        /**
         * Sets {@link Model#name()}.
         *
         * @param v the display name, non-blank and at most 1024 characters
         * @return this builder
         */
        public Builder name(String v) { name = v; return this; }

        /**
         * Sets {@link Model#description()}.
         *
         * @param v free text, or null for none
         * @return this builder
         */
        public Builder description(String v) { description = v; return this; }

        /**
         * Sets {@link Model#files()}.
         *
         * @param v the uploaded files in upload order, not null (copied by {@link #build()})
         * @return this builder
         */
        public Builder files(List<ModelFile> v) { files = v; return this; }

        /**
         * Sets {@link Model#format()}.
         *
         * @param v a {@link org.modelheritage.read.WeightFormat#id() format id}, or null (a blank value becomes null)
         * @return this builder
         */
        public Builder format(String v) { format = v; return this; }

        /**
         * Sets {@link Model#checksum()}.
         *
         * @param v the SHA-256 of the model's bytes as 64 lowercase hex digits
         * @return this builder
         */
        public Builder checksum(String v) { checksum = v; return this; }

        /**
         * Sets {@link Model#byteSize()}.
         *
         * @param v total bytes of all files, at least 0
         * @return this builder
         */
        public Builder byteSize(long v) { byteSize = v; return this; }

        /**
         * Sets {@link Model#parameterCount()}.
         *
         * @param v number of scalar weights, at least 0, or null while unknown
         * @return this builder
         */
        public Builder parameterCount(Long v) { parameterCount = v; return this; }

        /**
         * Sets {@link Model#layerCount()}.
         *
         * @param v number of layers, at least 0, or null while unknown
         * @return this builder
         */
        public Builder layerCount(Integer v) { layerCount = v; return this; }

        /**
         * Sets {@link Model#structuralHash()}.
         *
         * @param v hex SHA-256 of tensor names and shapes, or null while unknown
         * @return this builder
         */
        public Builder structuralHash(String v) { structuralHash = v; return this; }

        /**
         * Sets {@link Model#familyId()}.
         *
         * @param v the family's id, or null while the model is not placed
         * @return this builder
         */
        public Builder familyId(String v) { familyId = v; return this; }

        /**
         * Sets {@link Model#parentId()}.
         *
         * @param v the parent model's id, or null for none; must differ from the model's own id
         * @return this builder
         */
        public Builder parentId(String v) { parentId = v; return this; }

        /**
         * Sets {@link Model#confidence()}.
         *
         * @param v a finite confidence in the parent edge, or null when there is no parent
         * @return this builder
         */
        public Builder confidence(Double v) { confidence = v; return this; }

        /**
         * Sets {@link Model#status()}.
         *
         * @param v the processing state, not null (a new builder starts at {@link ModelStatus#PENDING})
         * @return this builder
         */
        public Builder status(ModelStatus v) { status = v; return this; }

        /**
         * Sets {@link Model#failureMessage()}.
         *
         * @param v why processing failed, or null unless the status is {@link ModelStatus#FAILED}
         * @return this builder
         */
        public Builder failureMessage(String v) { failureMessage = v; return this; }

        /**
         * Sets {@link Model#createdAt()}.
         *
         * @param v when the upload was stored, not null; truncated to milliseconds
         * @return this builder
         */
        public Builder createdAt(Instant v) { createdAt = v; return this; }

        /**
         * Sets {@link Model#processedAt()}.
         *
         * @param v when processing finished, or null before; truncated to milliseconds
         * @return this builder
         */
        public Builder processedAt(Instant v) { processedAt = v; return this; }

        /**
         * Builds the model; the record's checks apply.
         *
         * @return a new model with the values set so far
         * @throws IllegalArgumentException when a value breaks one of {@link Model}'s rules
         * @throws NullPointerException when the name, files, status or creation time is null
         */
        public Model build() {
            return new Model(id, name, description, files, format, checksum, byteSize, parameterCount, layerCount,
                    structuralHash, familyId, parentId, confidence, status, failureMessage, createdAt, processedAt);
        }
    }
}
