package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;

class TrainAndRecoverExampleTest {

    /**
     * Two trees of 1 + 2 + 2 models, trained briefly (seconds, not minutes), from seed 41: a seed
     * that no rule of the library was settled on (the direction rules were settled on seeds 7 to 26
     * and 61 to 90 of this shape and 7 to 13 and 61 to 90 of the standard one).
     */
    static FineTuningTree.Shape small() {
        return FineTuningTree.Shape.small().withSeed(41);
    }

    @Test
    void trainsSavesAndRecoversAKnownForest(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        TrainAndRecoverExample.Outcome outcome = TrainAndRecoverExample.run(small(), tmp,
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertTrue(printed(buffer).startsWith("training with DJL PyTorch"), printed(buffer));
        assertTrue(printed(buffer).contains("seed 41, pre-trained with SGD_MOMENTUM, fine-tuned with ADAM"),
                printed(buffer));
        String printed = buffer.toString(StandardCharsets.UTF_8);

        // The truth the example trained: 2 roots, each with 2 children, each with 1 grandchild.
        KnownTree truth = outcome.truth();
        assertEquals(10, truth.entries().size());
        assertEquals(List.of("r0", "r1"), truth.roots());
        assertEquals(8, truth.edges().size());
        assertTrue(truth.edges().contains(List.of("r0", "r0-c1")));
        assertTrue(truth.edges().contains(List.of("r1-c0", "r1-c0-g0")));

        // Training really trained: every model learnt its own task (chance is at most 0.5, for parity).
        for (KnownTree.Entry e : truth.entries()) {
            assertTrue(e.trainAccuracy() > 0.6, e.name() + " reached only " + e.trainAccuracy());
        }

        // Files are named so they say nothing, and hold what ground_truth.json says.
        JsonNode gt = new ObjectMapper().readTree(tmp.resolve("ground_truth.json").toFile());
        assertEquals(10, gt.get("models").size());
        assertEquals(8, gt.get("edges").size());
        Set<String> files = new HashSet<>();
        for (JsonNode m : gt.get("models")) {
            assertTrue(m.get("path").asText().matches("model-\\d\\d\\.safetensors"), m.toString());
            files.add(m.get("path").asText());
        }
        assertEquals(10, files.size());

        // Recovery from the weights alone, scored by the library's own metrics: on seed 41 every
        // family, edge, direction and root is right (TrainedForestsTest covers seeds 42 to 44).
        EvalReport report = outcome.report();
        assertEquals(10, report.models());
        assertEquals(2, report.foundFamilies(), report.toTable());
        assertEquals(1.0, report.adjustedRandIndex(), 1e-12, report.toTable());
        assertEquals(1.0, report.undirectedAccuracy(), 1e-12, report.toTable());
        assertEquals(1.0, report.directedAccuracy(), 1e-12, report.toTable());
        assertEquals(1.0, report.rootAccuracy(), 1e-12, report.toTable());
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "directed accuracy      %.3f",
                report.directedAccuracy())), printed);
    }

    @Test
    void optionsChooseSeedPreTrainingAndShape() {
        TrainAndRecoverExample.Options o = TrainAndRecoverExample.Options.parse("--seed", "41", "--pretrain", "adam",
                "--shape", "small", "out");
        assertEquals(Path.of("out"), o.outDir());
        assertEquals(41L, o.shape().seed());
        assertEquals(MlpTrainer.OptimizerKind.ADAM, o.shape().pretrainOptimizer());
        assertEquals(1e-3f, o.shape().pretrainLearningRate());
        assertEquals(FineTuningTree.Shape.small().pretrainSteps(), o.shape().pretrainSteps());
        assertEquals(FineTuningTree.Shape.small().samplesPerTask(), o.shape().samplesPerTask());

        TrainAndRecoverExample.Options defaults = TrainAndRecoverExample.Options.parse();
        FineTuningTree.Shape standard = FineTuningTree.Shape.standard();
        assertEquals(null, defaults.outDir());
        assertEquals(7L, defaults.shape().seed());
        assertEquals(MlpTrainer.OptimizerKind.SGD_MOMENTUM, defaults.shape().pretrainOptimizer());
        assertEquals(standard.pretrainLearningRate(), defaults.shape().pretrainLearningRate());
        assertEquals(standard.childrenPerRoot(), defaults.shape().childrenPerRoot());

        for (String[] bad : List.of(new String[] {"--seed"}, new String[] {"--seed", "x"},
                new String[] {"--pretrain", "rmsprop"}, new String[] {"--shape", "huge"}, new String[] {"a", "b"},
                new String[] {"--epochs", "3"})) {
            assertThrows(IllegalArgumentException.class, () -> TrainAndRecoverExample.Options.parse(bad),
                    String.join(" ", bad));
        }
    }

    private static String printed(ByteArrayOutputStream buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void safetensorsHoldExactlyTheTrainedWeights(@TempDir Path tmp) throws Exception {
        MlpTrainer trainer = new MlpTrainer(OfflinePyTorch.engine(), 8, 16, 16, 10);
        SyntheticTask.World world = new SyntheticTask.World(8, 3);
        MlpTrainer.Trained trained = trainer.train(trainer.initialWeights(5),
                world.sample(SyntheticTask.ALL_CLASSES, 256, 9), new MlpTrainer.Recipe(MlpTrainer.OptimizerKind.ADAM, 20, 32, 1e-3f, 11));
        FineTuningTree.Node node = new FineTuningTree.Node("m", null, SyntheticTask.ALL_CLASSES, trained.weights(),
                trained.trainAccuracy());

        KnownTree saved = TrainAndRecoverExample.save(List.of(node), tmp, 1);

        try (WeightFile file = WeightReaders.open(tmp.resolve(saved.entries().get(0).path()))) {
            assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                    "layers.2.weight", "layers.2.bias"), file.tensors().stream().map(t -> t.name()).toList());
            assertArrayEquals(new long[] {16, 8}, file.tensor("layers.0.weight").orElseThrow().shape());
            for (NamedTensor t : trained.weights().values()) {
                assertArrayEquals(t.values(), file.readFloats(t.name()), t.name());
            }
        }
        // Training moved the weights away from the initialisation.
        float[] init = trainer.initialWeights(5).get("layers.1.weight").values();
        float[] after = trained.weights().get("layers.1.weight").values();
        assertTrue(!java.util.Arrays.equals(init, after));
    }
}
