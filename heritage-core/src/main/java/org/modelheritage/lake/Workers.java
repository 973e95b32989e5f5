package org.modelheritage.lake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool that runs processing jobs. Jobs live in the metadata store, not in memory:
 * a worker claims the oldest queued job atomically under a lease in this pool's name, which a
 * timer renews every third of the lease while the process lives. So a crash loses nothing: an
 * embedded store requeues RUNNING jobs when the lake reopens, and on a store shared by processes
 * another process's worker takes a job over once its lease has run out. Workers sleep on a
 * semaphore that uploads release, and look at the queue once a second anyway.
 */
final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    private static final long CLOSE_WAIT_MS = 30_000;

    private final MetadataStore meta;
    private final Consumer<Job> process;
    /** Who this pool's claims are in the name of: process, host and a random part (unique per lake). */
    private final String owner;
    private final Duration lease;
    private final ScheduledExecutorService renewals;
    private final List<Thread> threads = new ArrayList<>();
    private final Semaphore wakeups = new Semaphore(0);
    /** Workers between "about to claim" and "done with the job": idle means none, and no queued job. */
    private int busy;
    private volatile boolean closed;

    Workers(int count, MetadataStore meta, Duration lease, Consumer<Job> process) {
        this.meta = meta;
        this.process = process;
        this.lease = lease;
        this.owner = ProcessHandle.current().pid() + "@" + hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heritage-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::run, "heritage-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The name this pool claims jobs in: a job RUNNING under another owner is not this pool's. */
    String owner() {
        return owner;
    }

    void start(int queued) {
        long every = Math.max(100, lease.toMillis() / 3);
        renewals.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        threads.forEach(Thread::start);
        wakeups.release(Math.min(queued, threads.size()));
    }

    private void renew() {
        try {
            meta.renewLeases(owner, lease);
        } catch (RuntimeException e) {
            // the store is unreachable: the next renewal tries again; past the lease, others may take over
            log.warn("could not renew job leases: {}", e.toString());
        }
    }

    /** A job was enqueued: wake one sleeping worker. */
    void jobAdded() {
        wakeups.release();
    }

    private void run() {
        while (!closed) {
            synchronized (this) {
                busy++;
            }
            boolean worked = false;
            try {
                Optional<Job> job = meta.claimNextJob(owner, lease);
                if (job.isPresent()) {
                    worked = true;
                    process.accept(job.get());
                }
            } catch (Throwable e) {
                // Any Throwable, Errors included: a worker that died here would leave its job
                // RUNNING and nobody to take the next one. process() already marks the job FAILED;
                // this is what escapes it (the store itself failing, say), and the loop goes on.
                if (!closed) {
                    log.error("worker failed outside a job", e);
                }
            } finally {
                synchronized (this) {
                    busy--;
                    notifyAll();
                }
            }
            if (!worked) {
                try {
                    wakeups.tryAcquire(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Workers started and not ended; fewer than {@link #count()} while open means some died. */
    int alive() {
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    int count() {
        return threads.size();
    }

    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                if (busy == 0 && meta.jobs(JobState.QUEUED).isEmpty()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Completions notify; the bound covers a job queued while nobody was busy.
                wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Lets running jobs finish (for a while), then returns; an unfinished job is redone at the next open. */
    @Override
    public void close() {
        closed = true;
        wakeups.release(threads.size());
        renewals.shutdown();
        long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                log.warn("{} still busy at close; its job will run again when the lake reopens or its lease runs out",
                        t.getName());
            }
        }
    }
}
