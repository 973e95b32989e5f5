package org.modelheritage.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.signature.QuantizationFit;
import org.modelheritage.signature.QuantizationProbe;
import org.modelheritage.signature.TensorNames;

/**
 * Compares two models tensor by tensor ({@link #between}). Tensors are matched as families match
 * models: by canonical name ({@link TensorNames#canonical}), so wrappers such as {@code module.}
 * do not matter; a tensor whose first dimension differs (a resized vocabulary) is compared on the
 * rows both have. Both files are streamed side by side, B's tensor on a second thread into a
 * short queue of chunks while A's is read on the caller's: memory is a few chunks and one sketch
 * per tensor, whatever the models' size, and each byte of each file is read once.
 */
public final class WeightDiff {
    /** Chunks of B waiting for A: enough to keep both readers busy, few enough to bound memory. */
    private static final int QUEUE = 8;
    private static final Chunk END = new Chunk(new float[0], 0);

    /** The first {@code length} values of a buffer of B's. */
    private record Chunk(float[] values, int length) {
    }

    private WeightDiff() {
    }

    /**
     * Compares A (read as the parent) with B (the child), tensor by tensor under canonical names,
     * streaming both once in bounded memory.
     *
     * @param a the model read as the parent, open; not closed
     * @param b the model read as the child, open; not closed
     * @return the tensors both have, and those only one has
     * @throws org.modelheritage.read.WeightFormatException when a tensor's data is missing or malformed
     * @throws IOException when a file cannot be read
     */
    public static Comparison between(WeightFile a, WeightFile b) throws IOException {
        Map<String, TensorInfo> inA = byCanonicalName(a);
        Map<String, TensorInfo> inB = byCanonicalName(b);
        List<TensorDelta> deltas = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "compare-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Map.Entry<String, TensorInfo> e : inA.entrySet()) {
                TensorInfo tb = inB.get(e.getKey());
                if (tb == null) {
                    removed.add(e.getKey());
                } else {
                    deltas.add(compare(e.getKey(), e.getValue(), tb, a, b, reader));
                }
            }
        } finally {
            reader.shutdownNow();
        }
        for (String name : inB.keySet()) {
            if (!inA.containsKey(name)) {
                added.add(name);
            }
        }
        deltas.sort(java.util.Comparator.comparing(TensorDelta::name));
        java.util.Collections.sort(added);
        java.util.Collections.sort(removed);
        return new Comparison(deltas, added, removed);
    }

    private static Map<String, TensorInfo> byCanonicalName(WeightFile f) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        f.tensors().stream().sorted(java.util.Comparator.comparing(TensorInfo::name))
                .forEach(t -> out.putIfAbsent(TensorNames.canonical(t.name()), t));
        return out;
    }

    private static TensorDelta compare(String name, TensorInfo ta, TensorInfo tb, WeightFile a, WeightFile b,
            ExecutorService reader) throws IOException {
        long[] sa = ta.shape();
        long[] sb = tb.shape();
        boolean sameShape = Arrays.equals(sa, sb);
        boolean sameTrailing = sa.length == sb.length && sa.length >= 1
                && Arrays.equals(Arrays.copyOfRange(sa, 1, sa.length), Arrays.copyOfRange(sb, 1, sb.length));
        List<Long> shapeA = Arrays.stream(sa).boxed().toList();
        List<Long> shapeB = Arrays.stream(sb).boxed().toList();
        if (!sameShape && !sameTrailing) {
            return new TensorDelta(name, ta.name(), tb.name(), shapeA, shapeB, TensorDelta.Status.RESIZED,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, null, null);
        }
        long rows = sa.length == 0 ? 1 : Math.min(sa[0], sb[0]);
        long cols = 1;
        for (int i = 1; i < sa.length; i++) {
            cols *= sa[i];
        }
        long compared = rows * cols;
        DeltaAccumulator acc = new DeltaAccumulator(rows, cols, sa.length >= 2);
        QuantizationProbe probeA = null;
        QuantizationProbe probeB = null;
        if (sa.length == 2 && rows > 1 && cols > 1) {
            long[] probeRows = rows <= 4 ? java.util.stream.LongStream.range(0, rows).toArray()
                    : new long[] {0, rows / 3, 2 * rows / 3, rows - 1};
            probeA = new QuantizationProbe(probeRows, cols, ta.dtype());
            probeB = new QuantizationProbe(probeRows, cols, tb.dtype());
        }
        lockstep(a, ta.name(), b, tb.name(), compared, acc, probeA, probeB, reader);
        String grid = null;
        if (probeA != null) {
            QuantizationFit fa = probeA.fit();
            QuantizationFit fb = probeB.fit();
            if (fb.onGrid() && !fa.onGrid() && acc.normDelta() > 0) {
                grid = fb.scheme();
            }
        }
        TensorDelta.Status status = !sameShape ? TensorDelta.Status.RESIZED
                : acc.normDelta() == 0 ? TensorDelta.Status.SAME : TensorDelta.Status.CHANGED;
        return new TensorDelta(name, ta.name(), tb.name(), shapeA, shapeB, status, acc.normA(), acc.normDelta(),
                acc.cosine(), acc.maxAbsDelta(), acc.rank(), acc.rankCap(), grid);
    }

    /** Streams A's tensor here and B's on the reader thread, pairing their first {@code limit} values. */
    private static void lockstep(WeightFile a, String nameA, WeightFile b, String nameB, long limit,
            DeltaAccumulator acc, QuantizationProbe probeA, QuantizationProbe probeB, ExecutorService reader)
            throws IOException {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
        // buffers go round: the reader fills a free one, the comparison hands it back when done
        BlockingQueue<float[]> free = new ArrayBlockingQueue<>(QUEUE + 2);
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<?> producer = reader.submit(() -> {
            try {
                b.read(nameB, (values, length) -> {
                    if (probeB != null) {
                        probeB.accept(values, length);
                    }
                    float[] buffer = free.poll();
                    if (buffer == null || buffer.length < length) {
                        buffer = new float[Math.max(length, 1 << 16)];
                    }
                    System.arraycopy(values, 0, buffer, 0, length);
                    put(queue, new Chunk(buffer, length), cancelled);
                });
            } finally {
                put(queue, END, cancelled);
            }
            return null;
        });
        Chunk[] current = {null};
        int[] offset = {0};
        try {
            a.read(nameA, (values, length) -> {
                if (probeA != null) {
                    probeA.accept(values, length);
                }
                int i = 0;
                while (i < length && acc.position() < limit) {
                    if (current[0] == null || offset[0] == current[0].length()) {
                        if (current[0] != null) {
                            free.offer(current[0].values());
                        }
                        current[0] = take(queue);
                        offset[0] = 0;
                        if (current[0] == END) {
                            throw new StreamEnded("tensor " + nameB + " ended before " + nameA);
                        }
                    }
                    int n = (int) Math.min(Math.min(length - i, current[0].length() - offset[0]), limit - acc.position());
                    acc.accept(values, i, current[0].values(), offset[0], n);
                    i += n;
                    offset[0] += n;
                }
            });
            // let the reader finish B's tensor (its probe reads all of it), then collect its outcome
            while (current[0] != END) {
                if (current[0] != null) {
                    free.offer(current[0].values());
                }
                current[0] = take(queue);
            }
            producer.get();
        } catch (RuntimeException e) {
            // B's reader failing ends B's stream early (END is put as it finishes): its error is the one to tell
            if (e instanceof StreamEnded) {
                try {
                    producer.get();
                } catch (ExecutionException failed) {
                    rethrow(failed);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            rethrow(e);
        } finally {
            cancelled.set(true);
            producer.cancel(true);
        }
    }

    private static void rethrow(ExecutionException e) throws IOException {
        if (e.getCause() instanceof IOException io) {
            throw io;
        }
        if (e.getCause() instanceof RuntimeException re) {
            throw re;
        }
        throw new IOException(e.getCause());
    }

    /** B's tensor had fewer values than its shape promised A's would be paired with. */
    private static final class StreamEnded extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StreamEnded(String message) {
            super(message);
        }
    }

    private static void put(BlockingQueue<Chunk> queue, Chunk chunk, AtomicBoolean cancelled) {
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (cancelled.get()) {
                    throw new java.util.concurrent.CancellationException("comparison abandoned");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        }
    }

    private static Chunk take(BlockingQueue<Chunk> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        }
    }
}
