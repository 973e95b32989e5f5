package org.modelheritage.store.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.modelheritage.store.BlobRef;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.BlobTooLargeException;
import org.modelheritage.store.Ids;
import org.modelheritage.store.StoredBlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects in an S3 bucket (or an S3-compatible server): {@code PREFIX/sha256/ab/abcd…},
 * the same content addressing as the directory store, uploads staged under {@code PREFIX/tmp/}.
 *
 * <p>A put reads the stream one part at a time (8 MiB; the only buffer, whatever the blob's size)
 * while hashing it. A blob that fits in one part goes straight to its address. A larger one is a
 * multipart upload to a staging key, and once its hash is known it is copied to its address on the
 * server (part by part) and the staging object deleted; a put that fails aborts its upload and
 * leaves nothing. Every write to an address is conditional
 * ({@code If-None-Match: *}, on the put and on the completion of the copy), so of puts of the
 * same bytes exactly one reports "created", across processes too: the others get the server's 412
 * and keep its object. (A server that ignores the condition overwrites the object with the same
 * bytes; within one process puts of the same bytes are also serialised at publication.) A large put
 * looks first whether its address is taken, to spare the server-side copy.
 *
 * <p>Each write carries a random token in the object's metadata ({@value #WRITER}). The SDK retries
 * a request whose answer was lost, and when the lost answer was a success the retry meets the
 * object that first attempt wrote and gets a 412 too: the token tells that object from another
 * put's, so such a put still reports "created".
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    /** Part size of multipart uploads: the buffer a put holds. S3 wants at least 5 MiB but for the last part. */
    static final int PART_SIZE = 8 << 20;
    private static final long COPY_PART = 1L << 30;
    private static final int LOCK_STRIPES = 64;
    /** The user metadata key of the token that says which put wrote an object. */
    static final String WRITER = "heritage-writer";

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String description;
    private final ReentrantLock[] publishLocks = new ReentrantLock[LOCK_STRIPES];

    S3BlobStore(S3Client s3, String bucket, String prefix, String description) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.description = description;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            publishLocks[i] = new ReentrantLock();
        }
    }

    String keyOf(String sha256) {
        Ids.requireSha256(sha256, "blob sha256");
        return prefix + "sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** Where puts stage their parts: what the tests look at for leftovers. */
    String stagingPrefix() {
        return prefix + "tmp/";
    }

    @Override
    public StoredBlob put(InputStream in, long maxBytes) throws IOException {
        return put(in, maxBytes, Claim.NONE);
    }

    @Override
    public StoredBlob put(InputStream in, long maxBytes, Claim claim) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
        MessageDigest digest = sha256();
        byte[] part = new byte[PART_SIZE];
        int first = fill(in, part, digest, maxBytes, 0);
        if (first < PART_SIZE) {
            String sha = HexFormat.of().formatHex(digest.digest());
            return publish(sha, first, false, claim, writer -> s3.putObject(b -> b.bucket(bucket).key(keyOf(sha))
                    .ifNoneMatch("*").metadata(Map.of(WRITER, writer)),
                    RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, first), first)));
        }
        String staging = stagingPrefix() + UUID.randomUUID();
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(staging)).uploadId();
        } catch (SdkException e) {
            throw io("cannot start an upload", e);
        }
        boolean staged = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = 0;
            int n = first;
            while (n > 0) {
                int number = parts.size() + 1;
                int length = n;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(staging).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length), RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, length), length))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                size += n;
                n = n < PART_SIZE ? 0 : fill(in, part, digest, maxBytes, size);
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(staging).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            staged = true;
            String sha = HexFormat.of().formatHex(digest.digest());
            long total = size;
            return publish(sha, total, true, claim, writer -> copy(staging, keyOf(sha), total, writer));
        } catch (SdkException e) {
            throw io("upload failed", e);
        } finally {
            try {
                if (staged) {
                    s3.deleteObject(b -> b.bucket(bucket).key(staging));
                } else {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(staging).uploadId(uploadId));
                }
            } catch (SdkException e) {
                LOG.warn("{}: could not clean up staged upload {}: {}", description, staging, e.toString());
            }
        }
    }

    /**
     * Reads until the buffer is full or the stream ends, hashing; fails once more than {@code maxBytes}
     * would have been stored in all. Returns the bytes read into the buffer.
     */
    private static int fill(InputStream in, byte[] buf, MessageDigest digest, long maxBytes, long before) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (before + n > maxBytes) {
                throw new BlobTooLargeException(maxBytes);
            }
        }
        digest.update(buf, 0, n);
        return n;
    }

    @FunctionalInterface
    private interface Write {
        /** Writes the object, with {@code writer} as its {@link #WRITER} token. */
        void run(String writer);
    }

    /**
     * Writes the object at its address with a conditional write; a 412 (or the 409 S3 answers while
     * another conditional write of that key is in flight) means another put got there first, which
     * the object being there confirms, unless the object carries this put's token (a retried
     * request whose first attempt wrote it). One writer per address in this process.
     */
    private StoredBlob publish(String sha, long size, boolean lookFirst, Claim claim, Write write) throws IOException {
        claim.claim(sha);
        ReentrantLock lock = publishLocks[Math.floorMod(sha.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            if (lookFirst) {
                Optional<BlobRef> existing = stat(sha);
                if (existing.isPresent()) {
                    return new StoredBlob(existing.get(), false);
                }
            }
            String writer = UUID.randomUUID().toString();
            try {
                write.run(writer);
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 409) {
                    Optional<HeadObjectResponse> existing = head(sha);
                    if (existing.isPresent()) {
                        boolean ours = writer.equals(existing.get().metadata().get(WRITER));
                        return new StoredBlob(new BlobRef(sha, existing.get().contentLength()), ours);
                    }
                }
                throw e;
            }
            return new StoredBlob(new BlobRef(sha, size), true);
        } catch (SdkException e) {
            throw io("cannot store blob " + sha, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A server-side copy, conditional like a put: a multipart copy of 1 GiB ranges whose completion
     * carries the condition (S3 and S3-compatible servers honour it there, not all on a plain copy).
     */
    private void copy(String from, String to, long size, String writer) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(to).metadata(Map.of(WRITER, writer))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long start = 0; start < size; start += COPY_PART) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + COPY_PART) - 1);
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket)
                        .destinationKey(to).uploadId(uploadId).partNumber(number).copySourceRange(range))
                        .copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(to).uploadId(uploadId).ifNoneMatch("*")
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (SdkException e) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(to).uploadId(uploadId));
            throw e;
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        String key = keyOf(sha256);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key, null, "no blob " + sha256);
        } catch (SdkException e) {
            throw io("cannot read blob " + sha256, e);
        }
    }

    /** Objects have no local file: readers stream, and the lake lays out a temp copy when it must. */
    @Override
    public Optional<Path> localPath(String sha256) {
        Ids.requireSha256(sha256, "blob sha256");
        return Optional.empty();
    }

    @Override
    public Optional<BlobRef> stat(String sha256) throws IOException {
        return head(sha256).map(head -> new BlobRef(sha256, head.contentLength()));
    }

    private Optional<HeadObjectResponse> head(String sha256) throws IOException {
        String key = keyOf(sha256);
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw io("cannot look up blob " + sha256, e);
        } catch (SdkException e) {
            throw io("cannot look up blob " + sha256, e);
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        if (stat(sha256).isEmpty()) {
            return false;
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(keyOf(sha256)));
            return true;
        } catch (SdkException e) {
            throw io("cannot delete blob " + sha256, e);
        }
    }

    @Override
    public Stream<BlobRef> list() throws IOException {
        String under = prefix + "sha256/";
        try {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(under)).contents().stream()
                    .filter(o -> Ids.isSha256(name(o)))
                    .map(o -> new BlobRef(name(o), o.size()));
        } catch (SdkException e) {
            throw io("cannot list blobs", e);
        }
    }

    private static String name(S3Object o) {
        return o.key().substring(o.key().lastIndexOf('/') + 1);
    }

    /** Staged objects and unfinished multipart uploads under the staging prefix (for tests). */
    long stagedLeftovers() {
        long objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(stagingPrefix())).contents().stream().count();
        long uploads = 0;
        for (MultipartUpload u : s3.listMultipartUploads(b -> b.bucket(bucket).prefix(stagingPrefix())).uploads()) {
            uploads += u.key().startsWith(stagingPrefix()) ? 1 : 0;
        }
        return objects + uploads;
    }

    private IOException io(String what, SdkException e) {
        return new IOException(description + ": " + what + ": " + e.getMessage(), e);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + description + "]";
    }
}
