package org.modelheritage.store;

/**
 * What {@link BlobStore#put} did.
 *
 * @param ref     the stored blob: its hash and size
 * @param created false when the same bytes were already stored (the existing blob was kept);
 *                a caller cleaning up after a failed upload deletes only blobs it created and
 *                no model references ({@link MetadataStore#blobReferenced})
 */
public record StoredBlob(BlobRef ref, boolean created) {
}
