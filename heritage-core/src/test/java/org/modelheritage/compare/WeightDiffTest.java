package org.modelheritage.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.testing.SharedCorpus;

/** {@link WeightDiff} on the development corpus, where what each model was made by is known. */
class WeightDiffTest {

    static Comparison compare(Path a, Path b) throws IOException {
        try (WeightFile fa = WeightReaders.open(a); WeightFile fb = WeightReaders.open(b)) {
            return WeightDiff.between(fa, fb);
        }
    }

    static void print(String title, Comparison c) {
        System.out.println(title + ": " + c.summary());
        for (TensorDelta t : c.tensors()) {
            System.out.printf("  %-50s %-8s rel %.4g cos %.4f rank %s/%s grid %s%n", t.name(), t.status().label(),
                    t.relativeChange(), t.cosine(), t.rank(), t.rankCap(), t.grid());
        }
    }

    @Test
    void aModelComparedWithItselfIsZeroEverywhere() throws IOException {
        Path m = SharedCorpus.subset("vit-ft").resolve("vit-r0-c1.pth");
        Comparison c = compare(m, m);
        assertFalse(c.tensors().isEmpty());
        for (TensorDelta t : c.tensors()) {
            assertEquals(TensorDelta.Status.SAME, t.status(), t.name());
            assertEquals(0.0, t.normDelta(), t.name());
            assertEquals(0.0, t.maxAbsDelta(), t.name());
            assertEquals(0.0, t.relativeChange(), t.name());
            assertEquals(1.0, t.cosine(), 1e-9, t.name());
            if (t.isMatrix()) {
                assertEquals(0, t.rank(), t.name());
            }
            assertEquals(null, t.grid());
        }
        assertEquals(List.of(), c.added());
        assertEquals(List.of(), c.removed());
        Comparison.Summary s = c.summary();
        assertEquals(Comparison.Verdict.DUPLICATE, s.verdict());
        assertEquals(0.0, s.relativeChange());
        assertEquals(0, s.changed());
        assertEquals("looks like: duplicate (identical weights)", s.text());
    }

    /**
     * vit-lora's children are their parent plus rank-4 LoRA on query and value, merged, with the
     * classification head trained in full (as PEFT trains a task head): every other matrix is unchanged.
     */
    @Test
    void aMergedLoraChildIsLowRankOnExactlyTheAdaptedTensors() throws IOException {
        Path dir = SharedCorpus.subset("vit-lora");
        for (String[] pair : List.of(new String[] {"vit-r0", "vit-r0-c0"}, new String[] {"vit-r0-c1", "vit-r0-c1-g1"})) {
            Comparison c = compare(dir.resolve(pair[0] + ".safetensors"), dir.resolve(pair[1] + ".safetensors"));
            print(pair[0] + " -> " + pair[1], c);
            for (TensorDelta t : c.tensors()) {
                boolean adapted = t.name().endsWith("attention.query.weight") || t.name().endsWith("attention.value.weight");
                if (adapted) {
                    assertEquals(TensorDelta.Status.CHANGED, t.status(), t.name());
                    assertTrue(t.rank() >= 1 && t.rank() <= 4, t.name() + " rank " + t.rank());
                } else if (t.isMatrix() && !t.name().startsWith("classifier.")) {
                    assertEquals(0, t.rank(), t.name());
                    assertEquals(TensorDelta.Status.SAME, t.status(), t.name());
                }
            }
            Comparison.Summary s = c.summary();
            assertEquals(Comparison.Verdict.ADAPTER, s.verdict(), s.text());
            assertEquals(List.of("query", "value"), s.adaptedModules());
            assertTrue(s.adapterRank() >= 2 && s.adapterRank() <= 4, s.text());
            assertTrue(s.text().startsWith("looks like: adapter of rank ≈ "), s.text());
            assertTrue(s.text().endsWith(" on query, value (also trained in full: classifier)"), s.text());
        }
    }

    @Test
    void aFullFineTuneIsFullRank() throws IOException {
        Path dir = SharedCorpus.subset("vit-ft");
        Comparison c = compare(dir.resolve("vit-r0.bin"), dir.resolve("vit-r0-c1.pth"));
        print("vit-ft r0 -> c1", c);
        Comparison.Summary s = c.summary();
        assertEquals(Comparison.Verdict.FINE_TUNE, s.verdict(), s.text());
        assertEquals("looks like: full fine-tune", s.text());
        // every block's matrix changed with a spread spectrum, far from an adapter's few directions
        for (TensorDelta t : c.tensors()) {
            if (t.isMatrix() && t.name().startsWith("encoder.")) {
                assertTrue(t.rank() > t.rankCap() / 4, t.name() + " rank " + t.rank());
            }
        }
        assertEquals(3, s.mostMoved().size());
    }

    @Test
    void realisticKindsReadAsWhatTheyAre() throws IOException {
        Path all = SharedCorpus.subset("realistic/all");
        Comparison q = compare(all.resolve("quantized-b0.safetensors"), all.resolve("quantized-b0-q4.safetensors"));
        print("quantized q4", q);
        assertEquals(Comparison.Verdict.QUANTIZED, q.summary().verdict(), q.summary().text());
        Comparison q8 = compare(all.resolve("quantized-b0.safetensors"), all.resolve("quantized-b0-q8.bin"));
        print("quantized q8", q8);
        assertEquals(Comparison.Verdict.QUANTIZED, q8.summary().verdict(), q8.summary().text());

        Comparison r = compare(all.resolve("resize-b0.safetensors"), all.resolve("resize-b0-c1.safetensors"));
        print("resize", r);
        assertTrue(r.tensors().stream().anyMatch(t -> t.status() == TensorDelta.Status.RESIZED), "a resized tensor");
        assertTrue(r.summary().text().contains("resized"), r.summary().text());

        Comparison copy = compare(all.resolve("renamed-b0.safetensors"), all.resolve("renamed-b0-copy.bin"));
        print("renamed copy", copy);
        assertEquals(Comparison.Verdict.DUPLICATE, copy.summary().verdict(), copy.summary().text());
        Comparison cast = compare(all.resolve("renamed-b0-c0.safetensors"), all.resolve("renamed-b0-c0-bf16.safetensors"));
        print("bf16 cast", cast);
        assertEquals(Comparison.Verdict.DUPLICATE, cast.summary().verdict(), cast.summary().text());

        Comparison lora = compare(all.resolve("lora-b0.safetensors"), all.resolve("lora-b0-c2.safetensors"));
        print("lora", lora);
        assertEquals(Comparison.Verdict.ADAPTER, lora.summary().verdict(), lora.summary().text());

        Comparison strangers = compare(all.resolve("lora-b0.safetensors"), all.resolve("resize-b0.safetensors"));
        assertEquals(Comparison.Verdict.UNRELATED, strangers.summary().verdict(), strangers.summary().text());
        assertTrue(Set.of("looks like: unrelated weights (independently trained)").contains(strangers.summary().text()));
    }
}
