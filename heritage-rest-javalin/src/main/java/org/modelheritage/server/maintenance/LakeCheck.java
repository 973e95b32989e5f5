package org.modelheritage.server.maintenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.modelheritage.store.BlobRef;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoSuchRecordException;

/**
 * Checks a lake's stores against each other: every blob a model lists exists, has the recorded
 * size and hashes to its name (read through, streamed); no blob is stored that no model lists
 * (orphans); no job has been running longer than {@code stuckAfter} and no pending model lacks its
 * queued job.
 *
 * <p>Repair does what is safe while a server runs: it deletes orphans older than {@code grace}
 * (younger ones may be an upload between its blob and its commit) after checking again that no
 * model lists them, and requeues stuck jobs. Missing and corrupt blobs cannot be repaired here:
 * their models need their files again (a restore, or a new upload).
 */
public final class LakeCheck {
    /** What the check found, and what it repaired. */
    public record Report(long models, int blobsChecked, List<Problem> missing, List<Problem> corrupt,
                         List<Problem> orphans, List<Problem> stuckJobs, int orphansDeleted, int jobsRequeued) {
        /** Nothing found, or everything found repaired. */
        public boolean clean() {
            return missing.isEmpty() && corrupt.isEmpty() && orphans.size() == orphansDeleted
                    && stuckJobs.size() == jobsRequeued;
        }
    }

    /** One finding: the blob or model it concerns, and what is wrong. */
    public record Problem(String id, String detail) {
    }

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Duration stuckAfter;
    private final Duration grace;
    private final Clock clock;

    public LakeCheck(MetadataStore meta, BlobStore blobs, Duration stuckAfter, Duration grace, Clock clock) {
        this.meta = meta;
        this.blobs = blobs;
        this.stuckAfter = stuckAfter;
        this.grace = grace;
        this.clock = clock;
    }

    public Report run(boolean repair) throws IOException {
        Map<String, LakeFiles.BlobUse> referenced = LakeFiles.referencedBlobs(meta);
        long models = LakeFiles.count(meta);
        List<Problem> missing = new ArrayList<>();
        List<Problem> corrupt = new ArrayList<>();
        for (Map.Entry<String, LakeFiles.BlobUse> e : referenced.entrySet()) {
            String sha = e.getKey();
            String who = "listed by model " + String.join(", ", e.getValue().models());
            try (InputStream in = blobs.open(sha)) {
                long[] size = new long[1];
                String actual = sha256(in, size);
                if (!actual.equals(sha)) {
                    corrupt.add(new Problem(sha, "its bytes hash to " + actual + "; " + who));
                } else if (size[0] != e.getValue().size()) {
                    corrupt.add(new Problem(sha, size[0] + " bytes where " + e.getValue().size() + " were recorded; " + who));
                }
            } catch (NoSuchFileException ex) {
                missing.add(new Problem(sha, "not in the blob store; " + who));
            }
        }

        Instant now = clock.instant();
        List<Problem> orphans = new ArrayList<>();
        List<String> deletable = new ArrayList<>();
        Set<String> listed = new HashSet<>(referenced.keySet());
        List<BlobRef> stored;
        try (Stream<BlobRef> list = blobs.list()) {
            stored = list.filter(b -> !listed.contains(b.sha256())).toList();
        }
        for (BlobRef b : stored) {
            Optional<Instant> modified = modified(b.sha256());
            boolean young = modified.isPresent() && Duration.between(modified.get(), now).compareTo(grace) < 0;
            orphans.add(new Problem(b.sha256(), b.size() + " bytes that no model lists"
                    + (young ? " (younger than " + grace + ": perhaps an upload in progress; left)" : "")));
            if (!young) {
                deletable.add(b.sha256());
            }
        }

        List<Problem> stuck = new ArrayList<>();
        List<String> requeue = new ArrayList<>();
        for (Job j : meta.jobs(JobState.RUNNING)) {
            if (j.startedAt() == null || Duration.between(j.startedAt(), now).compareTo(stuckAfter) > 0) {
                stuck.add(new Problem(j.modelId(), "job running since " + j.startedAt() + " (" + j.attempts() + " attempts)"));
                requeue.add(j.modelId());
            }
        }
        Set<String> queued = new HashSet<>();
        meta.jobs(JobState.QUEUED).forEach(j -> queued.add(j.modelId()));
        meta.jobs(JobState.RUNNING).forEach(j -> queued.add(j.modelId()));
        LakeFiles.forEachModel(meta, m -> {
            if ((m.status() == ModelStatus.PENDING || m.status() == ModelStatus.PROCESSING) && !queued.contains(m.id())
                    && Duration.between(m.createdAt(), now).compareTo(stuckAfter) > 0) {
                stuck.add(new Problem(m.id(), "model " + m.status().name().toLowerCase() + " with no queued or running job"));
                requeue.add(m.id());
            }
        });

        int deleted = 0;
        int requeued = 0;
        if (repair) {
            for (String sha : deletable) {
                if (!meta.blobReferenced(sha) && blobs.delete(sha)) {
                    deleted++;
                }
            }
            for (String id : requeue) {
                try {
                    meta.apply(ChangeSet.builder().updateStatus(id, ModelStatus.PENDING, null, null)
                            .enqueueJob(id, now).build());
                    requeued++;
                } catch (NoSuchRecordException e) {
                    requeued++; // deleted meanwhile: nothing left to be stuck
                }
            }
        }
        return new Report(models, referenced.size(), missing, corrupt, orphans, stuck, deleted, requeued);
    }

    private Optional<Instant> modified(String sha) throws IOException {
        Optional<Path> path = blobs.localPath(sha);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.getLastModifiedTime(path.get()).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String sha256(InputStream in, long[] size) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
            size[0] += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
