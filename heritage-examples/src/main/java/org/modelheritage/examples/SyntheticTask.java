package org.modelheritage.examples;

import java.util.Random;

/**
 * Tasks on a synthetic "digits-like" world: ten classes, each a fixed prototype point in input
 * space, samples drawn around it. Pre-training learns all ten classes; fine-tuning tasks change
 * the inputs (mirrored, shifted, negated, noisier) or the labels (a subset of classes, parity,
 * digit mod 3, reversed labels) on the same ten-way head, as the development corpus does with
 * scikit-learn's digits. Generated, never downloaded.
 */
public enum SyntheticTask {
    ALL_CLASSES,
    LOW_CLASSES,
    HIGH_CLASSES,
    PARITY,
    MOD3,
    REVERSED_LABELS,
    MIRRORED,
    SHIFTED,
    NEGATED,
    NOISY;

    /** Number of classes of the world, and of every model's output head. */
    public static final int CLASSES = 10;

    /** A labelled sample set: {@code x} is row-major {@code [size][features]}. */
    public record Data(float[] x, int[] y, int features) {
        public int size() {
            return y.length;
        }
    }

    /** The fixed class prototypes every task draws from, reproducible from a seed. */
    public static final class World {
        private final float[][] prototypes;
        private final float noise;

        public World(int features, long seed) {
            Random rng = new Random(seed);
            prototypes = new float[CLASSES][features];
            for (float[] p : prototypes) {
                for (int i = 0; i < features; i++) {
                    p[i] = (float) rng.nextGaussian();
                }
            }
            this.noise = 1.0f;
        }

        public int features() {
            return prototypes[0].length;
        }

        /** {@code size} samples of this task, reproducible from {@code seed}. */
        public Data sample(SyntheticTask task, int size, long seed) {
            Random rng = new Random(seed);
            int f = features();
            float[] x = new float[size * f];
            int[] y = new int[size];
            float sigma = task == NOISY ? 2 * noise : noise;
            for (int n = 0; n < size; n++) {
                int c = task.drawClass(rng);
                float[] proto = prototypes[c];
                for (int i = 0; i < f; i++) {
                    int src = switch (task) {
                        case MIRRORED -> f - 1 - i;
                        case SHIFTED -> (i + 3) % f;
                        default -> i;
                    };
                    float v = proto[src] + sigma * (float) rng.nextGaussian();
                    x[n * f + i] = task == NEGATED ? -v : v;
                }
                y[n] = task.label(c);
            }
            return new Data(x, y, f);
        }
    }

    private int drawClass(Random rng) {
        return switch (this) {
            case LOW_CLASSES -> rng.nextInt(CLASSES / 2);
            case HIGH_CLASSES -> CLASSES / 2 + rng.nextInt(CLASSES / 2);
            default -> rng.nextInt(CLASSES);
        };
    }

    private int label(int cls) {
        return switch (this) {
            case PARITY -> cls % 2;
            case MOD3 -> cls % 3;
            case REVERSED_LABELS -> CLASSES - 1 - cls;
            default -> cls;
        };
    }

    /** The tasks fine-tuning draws from (everything but pre-training). */
    public static SyntheticTask[] fineTuningTasks() {
        SyntheticTask[] all = values();
        SyntheticTask[] out = new SyntheticTask[all.length - 1];
        System.arraycopy(all, 1, out, 0, out.length);
        return out;
    }
}
