package org.modelheritage.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Small safetensors files made in memory for API tests: a "root" of random weights and
 * "children" fine-tuned from it, so the lineage engine has something real to do.
 */
public final class TestWeights {
    private TestWeights() {
    }

    /**
     * Square F32 tensors {@code layer.i.weight} of size dim×dim: heavy-tailed (Laplace) values, as
     * pre-trained weights are; fine-tuning's Gaussian deltas then lower the kurtosis, the signal
     * MoTHer reads the direction from.
     */
    public static Map<String, float[]> random(int layers, int dim, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (int i = 0; i < layers; i++) {
            float[] w = new float[dim * dim];
            for (int j = 0; j < w.length; j++) {
                double u = r.nextDouble() - 0.5;
                w[j] = (float) (-0.02 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
            }
            tensors.put("layer." + i + ".weight", w);
        }
        return tensors;
    }

    /**
     * A fine-tuned copy of the parent, shaped like real fine-tuning with the most common trainer
     * default (weight decay 0): the task adds a rank-2 update of the given scale to each square
     * matrix, and a quarter of that scale of Gaussian noise goes everywhere, so every matrix gains
     * energy, as the norm signal reads (see org.modelheritage.lineage.DirectionSignal).
     */
    public static Map<String, float[]> child(Map<String, float[]> parent, double scale, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        parent.forEach((name, w) -> {
            int side = (int) Math.round(Math.sqrt(w.length));
            boolean square = side * side == w.length;
            double[][] u = new double[2][square ? side : 0];
            double[][] v = new double[2][square ? side : 0];
            for (int q = 0; q < 2; q++) {
                for (int i = 0; i < u[q].length; i++) {
                    u[q][i] = r.nextGaussian();
                    v[q][i] = r.nextGaussian();
                }
            }
            float[] c = new float[w.length];
            for (int j = 0; j < c.length; j++) {
                double update = square ? scale * (u[0][j / side] * v[0][j % side] + u[1][j / side] * v[1][j % side]) : 0;
                c[j] = (float) (w[j] + update + 0.25 * scale * r.nextGaussian());
            }
            out.put(name, c);
        });
        return out;
    }

    /** The parent rounded to a grid of {@code step}, as a quantised then dequantised copy is. */
    public static Map<String, float[]> quantized(Map<String, float[]> parent, double step) {
        Map<String, float[]> out = new LinkedHashMap<>();
        parent.forEach((name, w) -> {
            float[] q = new float[w.length];
            for (int j = 0; j < q.length; j++) {
                q[j] = (float) (Math.round(w[j] / step) * step);
            }
            out.put(name, q);
        });
        return out;
    }

    /** The safetensors encoding: 8-byte little-endian header length, JSON header, raw data. */
    public static byte[] safetensors(Map<String, float[]> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            int n = e.getValue().length;
            int side = (int) Math.round(Math.sqrt(n));
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            if (side * side == n) {
                t.putArray("shape").add(side).add(side);
            } else {
                t.putArray("shape").add(n);
            }
            t.putArray("data_offsets").add(offset).add(offset + 4L * n);
            offset += 4L * n;
        }
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (head.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (8 + padded + offset));
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.writeBytes(len.array());
        out.writeBytes(head);
        out.writeBytes(" ".repeat(padded - head.length).getBytes(StandardCharsets.UTF_8));
        for (float[] w : tensors.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : w) {
                b.putFloat(v);
            }
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }
}
