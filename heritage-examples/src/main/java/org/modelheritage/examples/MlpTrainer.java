package org.modelheritage.examples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a ReLU MLP with DJL's PyTorch engine, starting from given weights (fine-tuning) or from
 * a fresh N(0, 0.02) initialisation (pre-training, as Hugging Face initialises), and hands the
 * trained weights back as plain float arrays named as PyTorch would name an
 * {@code nn.Sequential}'s linear layers: {@code layers.<i>.weight} ({@code [out, in]}) and
 * {@code layers.<i>.bias}.
 */
public final class MlpTrainer {

    /** The optimisers the examples train with. */
    public enum OptimizerKind {
        /** Adam, as most fine-tuning is done. */
        ADAM,
        /**
         * SGD with momentum 0.9. Pre-training with it leaves heavy-tailed weights (excess kurtosis
         * 4 to 9 on the hidden layers here), as real pre-trained networks have; Adam from a small
         * initialisation leaves nearly uniform ones (about -0.7).
         */
        SGD_MOMENTUM
    }

    /** How one model is trained: optimiser, steps, batch size, learning rate, data order. */
    public record Recipe(OptimizerKind optimizer, int steps, int batchSize, float learningRate, long seed) {
        Optimizer build() {
            return switch (optimizer) {
                case ADAM -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
                case SGD_MOMENTUM -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate))
                        .optMomentum(0.9f).build();
            };
        }
    }

    /** A trained model: its weights in layer order and its accuracy on its own task's data. */
    public record Trained(Map<String, NamedTensor> weights, double trainAccuracy) {
    }

    private final Engine engine;
    private final int[] widths;

    /**
     * @param widths layer widths from input to output, e.g. {@code {32, 64, 64, 64, 10}}: one
     *               linear layer between each neighbouring pair, ReLU between them
     */
    public MlpTrainer(Engine engine, int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output width");
        }
        this.engine = engine;
        this.widths = widths.clone();
    }

    /** A fresh initialisation: weights N(0, 0.02), biases 0, reproducible from {@code seed}. */
    public Map<String, NamedTensor> initialWeights(long seed) {
        Random rng = new Random(seed);
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            int in = widths[i];
            int units = widths[i + 1];
            float[] w = new float[units * in];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (0.02 * rng.nextGaussian());
            }
            out.put(weightName(i), new NamedTensor(weightName(i), new long[] {units, in}, w));
            out.put(biasName(i), new NamedTensor(biasName(i), new long[] {units}, new float[units]));
        }
        return out;
    }

    /** Trains from {@code start} on {@code data}; {@code start} is left untouched. */
    public Trained train(Map<String, NamedTensor> start, SyntheticTask.Data data, Recipe recipe) {
        if (data.features() != widths[0]) {
            throw new IllegalArgumentException("data has " + data.features() + " features, the MLP takes " + widths[0]);
        }
        int outputs = widths[widths.length - 1];
        for (int label : data.y()) {
            if (label < 0 || label >= outputs) {
                throw new IllegalArgumentException("label " + label + " does not fit the MLP's " + outputs + " outputs");
            }
        }
        SequentialBlock block = new SequentialBlock();
        List<Linear> linears = new ArrayList<>();
        for (int i = 1; i < widths.length; i++) {
            Linear linear = Linear.builder().setUnits(widths[i]).build();
            linears.add(linear);
            block.add(linear);
            if (i + 1 < widths.length) {
                block.add(Activation.reluBlock());
            }
        }
        try (Model model = Model.newInstance("mlp", engine.getEngineName())) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(recipe.build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(recipe.batchSize(), widths[0]));
                load(linears, start);
                fit(trainer, data, recipe);
                return new Trained(export(linears), accuracy(trainer, data));
            }
        }
    }

    private void load(List<Linear> linears, Map<String, NamedTensor> weights) {
        for (int i = 0; i < linears.size(); i++) {
            set(linears.get(i), "weight", weights.get(weightName(i)));
            set(linears.get(i), "bias", weights.get(biasName(i)));
        }
    }

    private static void set(Block linear, String param, NamedTensor tensor) {
        if (tensor == null) {
            throw new IllegalArgumentException("missing starting weights for a layer's " + param);
        }
        NDArray array = linear.getParameters().get(param).getArray();
        if (!array.getShape().equals(new Shape(tensor.shape()))) {
            throw new IllegalArgumentException(tensor.name() + " has shape " + new Shape(tensor.shape())
                    + ", the layer wants " + array.getShape());
        }
        array.set(tensor.values());
    }

    private static void fit(Trainer trainer, SyntheticTask.Data data, Recipe recipe) {
        Random order = new Random(recipe.seed());
        int f = data.features();
        int b = recipe.batchSize();
        float[] bx = new float[b * f];
        float[] by = new float[b];
        NDManager manager = trainer.getManager();
        for (int step = 0; step < recipe.steps(); step++) {
            for (int k = 0; k < b; k++) {
                int n = order.nextInt(data.size());
                System.arraycopy(data.x(), n * f, bx, k * f, f);
                by[k] = data.y()[n];
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(bx, new Shape(b, f));
                NDArray y = scope.create(by, new Shape(b));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList prediction = trainer.forward(new NDList(x));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(y), prediction);
                    collector.backward(loss);
                }
                trainer.step();
            }
        }
    }

    private static double accuracy(Trainer trainer, SyntheticTask.Data data) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = scope.create(data.x(), new Shape(data.size(), data.features()));
            NDArray predicted = trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1);
            long[] labels = predicted.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
            int correct = 0;
            for (int n = 0; n < labels.length; n++) {
                if (labels[n] == data.y()[n]) {
                    correct++;
                }
            }
            return (double) correct / labels.length;
        }
    }

    private Map<String, NamedTensor> export(List<Linear> linears) {
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (int i = 0; i < linears.size(); i++) {
            NDArray w = linears.get(i).getParameters().get("weight").getArray();
            NDArray bias = linears.get(i).getParameters().get("bias").getArray();
            out.put(weightName(i), new NamedTensor(weightName(i), w.getShape().getShape(), w.toFloatArray()));
            out.put(biasName(i), new NamedTensor(biasName(i), bias.getShape().getShape(), bias.toFloatArray()));
        }
        return out;
    }

    static String weightName(int layer) {
        return "layers." + layer + ".weight";
    }

    static String biasName(int layer) {
        return "layers." + layer + ".bias";
    }
}
