package org.modelheritage.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a known forest of models the way model hubs grow: each root is pre-trained from scratch
 * on all ten classes, each child is fine-tuned from its root on another task, each grandchild
 * from its child on yet another. The tree is known, so what the library recovers from the saved
 * weights can be scored against it.
 */
public final class FineTuningTree {

    /** Sizes of the forest and of the training runs. */
    public record Shape(int roots, int childrenPerRoot, int grandchildrenPerChild,
                        int[] widths, int samplesPerTask,
                        MlpTrainer.OptimizerKind pretrainOptimizer, int pretrainSteps, float pretrainLearningRate,
                        MlpTrainer.OptimizerKind finetuneOptimizer, int finetuneSteps, float finetuneLearningRate,
                        int batchSize, long seed) {

        /**
         * The demo's default: 2 trees of 1 + 3 + 6 models, an MLP 32→64→64→64→10, pre-trained
         * with SGD and momentum (600 steps, learning rate 0.05), fine-tuned with Adam (200 steps,
         * 1e-3), batches of 64.
         */
        public static Shape standard() {
            return new Shape(2, 3, 2, new int[] {32, 64, 64, 64, 10}, 2048,
                    MlpTrainer.OptimizerKind.SGD_MOMENTUM, 600, 0.05f, MlpTrainer.OptimizerKind.ADAM, 200, 1e-3f, 64, 7L);
        }

        /**
         * The test's: 2 trees of 1 + 2 + 2 models, the same MLP, half the pre-training and
         * fine-tuning steps (300 and 100) on half the data (1024 samples per task): seconds, not
         * minutes.
         */
        public static Shape small() {
            return new Shape(2, 2, 1, new int[] {32, 64, 64, 64, 10}, 1024,
                    MlpTrainer.OptimizerKind.SGD_MOMENTUM, 300, 0.05f, MlpTrainer.OptimizerKind.ADAM, 100, 1e-3f, 64, 7L);
        }

        /** {@link #small()} or {@link #standard()} by name. */
        public static Shape named(String name) {
            return switch (name) {
                case "small" -> small();
                case "standard" -> standard();
                default -> throw new IllegalArgumentException("shape must be small or standard, not '" + name + "'");
            };
        }

        /** The same forest trained from another seed (initialisations, data, batch order, file names). */
        public Shape withSeed(long newSeed) {
            return new Shape(roots, childrenPerRoot, grandchildrenPerChild, widths, samplesPerTask, pretrainOptimizer,
                    pretrainSteps, pretrainLearningRate, finetuneOptimizer, finetuneSteps, finetuneLearningRate,
                    batchSize, newSeed);
        }

        /**
         * The roots pre-trained with another optimiser, for as many steps: SGD with momentum at
         * learning rate 0.05 (heavy-tailed roots, the default) or Adam at 1e-3 (nearly uniform
         * roots, as Adam leaves a small initialisation).
         */
        public Shape withPretraining(MlpTrainer.OptimizerKind optimizer) {
            float lr = switch (optimizer) {
                case SGD_MOMENTUM -> 0.05f;
                case ADAM -> 1e-3f;
            };
            return new Shape(roots, childrenPerRoot, grandchildrenPerChild, widths, samplesPerTask, optimizer,
                    pretrainSteps, lr, finetuneOptimizer, finetuneSteps, finetuneLearningRate, batchSize, seed);
        }
    }

    /** One trained model: its name in the known tree, its parent's (null for a root), its task. */
    public record Node(String name, String parent, SyntheticTask task, Map<String, NamedTensor> weights,
                       double trainAccuracy) {
    }

    private FineTuningTree() {
    }

    /** Trains every model of the forest, parents before children. */
    public static List<Node> train(MlpTrainer trainer, Shape shape) {
        SyntheticTask.World world = new SyntheticTask.World(shape.widths()[0], shape.seed());
        SyntheticTask[] tasks = SyntheticTask.fineTuningTasks();
        List<Node> nodes = new ArrayList<>();
        long seed = shape.seed() * 1_000_003L;
        int taskCursor = 0;
        for (int r = 0; r < shape.roots(); r++) {
            String rootName = "r" + r;
            Node root = trainOne(trainer, world, rootName, null, SyntheticTask.ALL_CLASSES,
                    trainer.initialWeights(++seed), shape.pretrainOptimizer(), shape.pretrainSteps(),
                    shape.pretrainLearningRate(), shape, ++seed);
            nodes.add(root);
            for (int c = 0; c < shape.childrenPerRoot(); c++) {
                SyntheticTask childTask = tasks[taskCursor++ % tasks.length];
                Node child = trainOne(trainer, world, rootName + "-c" + c, rootName, childTask, root.weights(),
                        shape.finetuneOptimizer(), shape.finetuneSteps(), shape.finetuneLearningRate(), shape, ++seed);
                nodes.add(child);
                for (int g = 0; g < shape.grandchildrenPerChild(); g++) {
                    SyntheticTask grandTask = tasks[taskCursor++ % tasks.length];
                    nodes.add(trainOne(trainer, world, child.name() + "-g" + g, child.name(), grandTask, child.weights(),
                            shape.finetuneOptimizer(), shape.finetuneSteps(), shape.finetuneLearningRate(), shape, ++seed));
                }
            }
        }
        return nodes;
    }

    private static Node trainOne(MlpTrainer trainer, SyntheticTask.World world, String name, String parent,
                                 SyntheticTask task, Map<String, NamedTensor> start, MlpTrainer.OptimizerKind optimizer,
                                 int steps, float lr, Shape shape, long seed) {
        SyntheticTask.Data data = world.sample(task, shape.samplesPerTask(), seed);
        MlpTrainer.Trained trained = trainer.train(start, data,
                new MlpTrainer.Recipe(optimizer, steps, shape.batchSize(), lr, seed));
        return new Node(name, parent, task, trained.weights(), trained.trainAccuracy());
    }
}
