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
 * "children" that are their parent plus small noise, so the lineage engine has something real to do.
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

    /** The parent's tensors plus Gaussian noise of the given scale. */
    public static Map<String, float[]> child(Map<String, float[]> parent, double noise, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        parent.forEach((name, w) -> {
            float[] c = w.clone();
            for (int j = 0; j < c.length; j++) {
                c[j] += (float) (r.nextGaussian() * noise);
            }
            out.put(name, c);
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
