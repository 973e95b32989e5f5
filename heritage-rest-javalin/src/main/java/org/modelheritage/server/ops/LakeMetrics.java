package org.modelheritage.server.ops;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.modelheritage.lake.LakeListener;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.JobState;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.ModelStatus;

/**
 * The lake's metrics in a Prometheus registry: what the lake reports as a {@link LakeListener}
 * (uploads, jobs, lineage updates), gauges read at scrape time (queue, models, workers, blob store),
 * the timed stores ({@link TimedStores}) and the JVM. Every name is listed in docs/operations.md.
 *
 * <p>Gauges that cost a query or a listing are cached for a few seconds, so a scrape every second
 * does not turn into a query every second per gauge.
 */
public final class LakeMetrics implements LakeListener, AutoCloseable {
    private static final Duration QUERY_CACHE = Duration.ofSeconds(5);
    private static final Duration LISTING_CACHE = Duration.ofSeconds(60);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Meter> lakeMeters = new ArrayList<>();
    private ModelLake bound;

    public LakeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("heritage.build.info", () -> 1).description("Always 1; the version is a label")
                .tag("version", BuildVersion.get()).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** The store with its calls timed into this registry. */
    public MetadataStore timed(MetadataStore store) {
        return TimedStores.timed(store, registry);
    }

    public BlobStore timed(BlobStore store) {
        return TimedStores.timed(store, registry);
    }

    /** Reports this lake from now on: its events and its gauges. One lake at a time. */
    public synchronized void bind(ModelLake lake) {
        if (bound != null) {
            throw new IllegalStateException("already bound to a lake");
        }
        bound = lake;
        lake.addListener(this);
        Supplier<List<Integer>> queue = cached(QUERY_CACHE, () -> List.of(
                lake.metadata().jobs(JobState.QUEUED).size(), lake.metadata().jobs(JobState.RUNNING).size()));
        lakeMeters.add(Gauge.builder("heritage.jobs", () -> queue.get().get(0))
                .description("Processing jobs in a state now").tag("state", "queued").register(registry));
        lakeMeters.add(Gauge.builder("heritage.jobs", () -> queue.get().get(1))
                .description("Processing jobs in a state now").tag("state", "running").register(registry));
        Supplier<LakeTotals> totals = cached(QUERY_CACHE, lake::stats);
        for (ModelStatus s : ModelStatus.values()) {
            lakeMeters.add(Gauge.builder("heritage.models", () -> totals.get().modelsByStatus().get(s))
                    .description("Models by status").tag("status", s.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        lakeMeters.add(Gauge.builder("heritage.families", () -> totals.get().families())
                .description("Families in the lake").register(registry));
        lakeMeters.add(Gauge.builder("heritage.workers.alive", lake::liveWorkers)
                .description("Worker threads alive; fewer than configured means some died").register(registry));
        lakeMeters.add(Gauge.builder("heritage.workers.configured", () -> lake.options().workers())
                .description("Worker threads this process was started with").register(registry));
        Supplier<long[]> blobs = cached(LISTING_CACHE, () -> blobTotals(lake.blobStore()));
        lakeMeters.add(Gauge.builder("heritage.blob.store", () -> blobs.get()[1]).baseUnit("bytes")
                .description("Bytes in the blob store (listed at most once a minute)").register(registry));
        lakeMeters.add(Gauge.builder("heritage.blob.store.blobs", () -> blobs.get()[0])
                .description("Blobs in the blob store (listed at most once a minute)").register(registry));
    }

    private static long[] blobTotals(BlobStore store) {
        try (var list = store.list()) {
            long[] out = new long[2];
            list.forEach(b -> {
                out[0]++;
                out[1] += b.size();
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void uploadEnded(boolean accepted, long bytes, Duration duration) {
        String outcome = accepted ? "accepted" : "refused";
        DistributionSummary.builder("heritage.upload.size").baseUnit("bytes")
                .description("Bytes received per upload, all its files together")
                .tag("outcome", outcome).register(registry).record(bytes);
        Timer.builder("heritage.upload.duration").description("From the first byte stored to the model registered or refused")
                .tag("outcome", outcome).register(registry).record(duration);
    }

    @Override
    public void jobFinished(JobState outcome, Duration duration) {
        Timer.builder("heritage.job.duration").description("Processing job: signature, family, lineage, stored")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry).record(duration);
    }

    @Override
    public void lineageUpdated(int familySize, Duration duration) {
        Timer.builder("heritage.lineage.update").description("Lineage engine placing one model, by the size of its family")
                .tag("family_size", sizeClass(familySize))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(duration);
    }

    /** Family sizes in decades, to keep the series few: 1, 2-10, 11-100, 101-1000, 1001+. */
    static String sizeClass(int n) {
        if (n <= 1) {
            return "1";
        }
        if (n <= 10) {
            return "2-10";
        }
        if (n <= 100) {
            return "11-100";
        }
        return n <= 1000 ? "101-1000" : "1001+";
    }

    /** Stops reporting the lake (its gauges go) and releases the JVM binders. */
    @Override
    public synchronized void close() {
        if (bound != null) {
            bound.removeListener(this);
            lakeMeters.forEach(registry::remove);
            lakeMeters.clear();
            bound = null;
        }
        gc.close();
        registry.close();
    }

    /** The value, recomputed when older than {@code ttl}; a failure is thrown to the scrape (the gauge shows NaN). */
    private static <T> Supplier<T> cached(Duration ttl, Supplier<T> compute) {
        return new Supplier<>() {
            private T value;
            private long at;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - at > ttl.toNanos()) {
                    value = compute.get();
                    at = now;
                }
                return value;
            }
        };
    }
}
