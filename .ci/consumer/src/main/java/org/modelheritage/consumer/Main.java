package org.modelheritage.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * Embeds a lake on the default stores (SQLite and a blob directory) in the directory given, adds
 * a two-tensor safetensors model, waits for processing and checks what the lake reads back.
 * Exits 0 and prints one "consumer ok" line, or throws.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Files.createDirectories(data);
        Path file = data.resolve("tiny.safetensors");
        float[] weight = new float[4 * 3];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) Math.sin(i + 1);
        }
        SafetensorsWriter.write(file, List.of(
                new SafetensorsWriter.Tensor("layer.weight", DType.F32, new long[] {4, 3}, weight),
                new SafetensorsWriter.Tensor("layer.bias", DType.F32, new long[] {4}, new float[] {0.5f, -0.5f, 0.25f, 0f})),
                Map.of());

        try (ModelLake lake = ModelLake.open(data.resolve("lake"), LakeOptions.defaults())) {
            Model added = lake.add("tiny", "a consumer's model", List.of(file));
            if (!lake.awaitIdle(Duration.ofMinutes(2))) {
                throw new AssertionError("the lake did not finish processing within 2 minutes");
            }
            Model back = lake.model(added.id()).orElseThrow(() -> new AssertionError("model " + added.id() + " not found"));
            check(back.status() == ModelStatus.READY, "status READY, was " + back.status() + " " + back.failureMessage());
            check("tiny".equals(back.name()), "name tiny, was " + back.name());
            check(Long.valueOf(16).equals(back.parameterCount()), "16 parameters, was " + back.parameterCount());
            check("safetensors".equals(back.format()), "format safetensors, was " + back.format());
            check(back.familyId() != null, "a family");
            String layer = ModelLake.class.getModule().isNamed() ? "module path" : "class path";
            System.out.println("consumer ok (" + layer + "): " + back.name() + " " + back.status() + ", "
                    + back.parameterCount() + " parameters, " + back.format() + ", store "
                    + lake.metadata().getClass().getName());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("expected " + what);
        }
    }
}
