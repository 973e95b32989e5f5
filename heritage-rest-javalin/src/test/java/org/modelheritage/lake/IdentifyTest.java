package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.store.Model;
import org.modelheritage.testing.SharedCorpus;

/** {@link ModelLake#identify}: the answer on the corpus, copies, no family and why, and nothing left behind. */
class IdentifyTest {
    @TempDir
    Path dir;

    ModelLake open(long maxUpload) throws IOException {
        return ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1).withMaxUploadBytes(maxUpload)
                .withWorkDir(dir.resolve("work")));
    }

    /** vit-lora without vit-r0-c1: identified, it sits under vit-r0 and above its own two children. */
    @Test
    void aLeftOutModelIsPlacedBetweenItsParentAndItsChildren() throws Exception {
        Path corpus = SharedCorpus.subset("vit-lora");
        try (ModelLake lake = open(1L << 30)) {
            Map<String, String> ids = new java.util.HashMap<>();
            for (String name : List.of("vit-r0", "vit-r0-c0", "vit-r0-c0-g0", "vit-r0-c0-g1", "vit-r0-c1-g0",
                    "vit-r0-c1-g1", "vit-r0-c2", "vit-r0-c2-g0", "vit-r0-c2-g1")) {
                ids.put(name, lake.add(name, null, List.of(corpus.resolve(name + ".safetensors"))).id());
            }
            assertTrue(lake.awaitIdle(Duration.ofMinutes(2)));

            Identification id = lake.identify(List.of(corpus.resolve("vit-r0-c1.safetensors")));
            assertEquals(Identification.Placement.JOINS_FAMILY, id.placement());
            String family = lake.model(ids.get("vit-r0")).orElseThrow().familyId();
            assertEquals(family, id.family().id());
            assertEquals(9, id.family().memberCount());
            assertEquals(List.of(), id.family().alsoJoins());
            assertEquals("safetensors", id.format());
            assertEquals(1, id.parents().size());
            assertEquals("vit-r0", id.parent().orElseThrow().name());
            assertEquals(ids.get("vit-r0"), id.parent().orElseThrow().id());
            assertEquals(EdgeKind.ADAPTER, id.parent().orElseThrow().kind());
            assertTrue(id.parent().orElseThrow().confidence() > 0.5, "confidence " + id.parent().orElseThrow().confidence());
            assertEquals(List.of("vit-r0-c1-g0", "vit-r0-c1-g1"), id.children().stream().map(LineageLink::name).toList());
            assertEquals(List.of(), id.copies());
            assertEquals(5, id.nearest().size());
            for (int i = 1; i < id.nearest().size(); i++) {
                assertTrue(id.nearest().get(i - 1).distance() <= id.nearest().get(i).distance());
            }
            assertTrue(id.nearest().stream().allMatch(n -> n.correlation() >= 0.3), id.nearest().toString());

            // a model that is in the lake: its exact copy, and its place unchanged
            Identification again = lake.identify(List.of(corpus.resolve("vit-r0-c0.safetensors")));
            assertEquals(List.of(new Identification.Copy(ids.get("vit-r0-c0"), "vit-r0-c0", Identification.Copy.Kind.EXACT)),
                    again.copies());
            assertEquals(ids.get("vit-r0-c0"), again.parent().orElseThrow().id());
            assertEquals(EdgeKind.DUPLICATE, again.parent().orElseThrow().kind());
            assertEquals(0.0, again.nearest().get(0).distance(), 1e-12);
            assertEquals(ids.get("vit-r0-c0"), again.nearest().get(0).id());
        }
    }

    @Test
    void withoutRelativesTheReasonIsSaid() throws Exception {
        try (ModelLake lake = open(1L << 30)) {
            Identification empty = lake.identify(write("a.safetensors", TestWeights.safetensors(TestWeights.random(3, 16, 1))));
            assertEquals(Identification.Placement.NO_COMPATIBLE_ARCHITECTURE, empty.placement());
            assertNull(empty.family());
            lake.add("a", null, "a.safetensors", new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(3, 16, 1))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));

            Identification stranger = lake.identify(write("b.safetensors", TestWeights.safetensors(TestWeights.random(3, 16, 2))));
            assertEquals(Identification.Placement.INDEPENDENTLY_TRAINED, stranger.placement());
            assertEquals(List.of(), stranger.parents());
            Identification other = lake.identify(write("c.safetensors", TestWeights.safetensors(TestWeights.random(2, 8, 3))));
            assertEquals(Identification.Placement.NO_COMPATIBLE_ARCHITECTURE, other.placement());
            Identification child = lake.identify(write("d.safetensors",
                    TestWeights.safetensors(TestWeights.child(TestWeights.random(3, 16, 1), 0.05, 4))));
            assertEquals(Identification.Placement.JOINS_FAMILY, child.placement());
            assertEquals("a", child.parent().orElseThrow().name());
            assertEquals(EdgeKind.FINE_TUNE, child.parent().orElseThrow().kind());
        }
    }

    /** Failed, refused and abandoned identifications leave nothing: the lake's files are byte for byte the same. */
    @Test
    void aHundredIdentificationsChangeNothing() throws Exception {
        byte[] root = TestWeights.safetensors(TestWeights.random(3, 16, 1));
        byte[] child = TestWeights.safetensors(TestWeights.child(TestWeights.random(3, 16, 1), 0.05, 4));
        try (ModelLake lake = open(200_000)) {
            lake.add("root", null, "root.safetensors", new ByteArrayInputStream(root));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
        }
        Map<String, String> before = LakeFiles.digest(dir.resolve("lake"));
        try (ModelLake lake = open(200_000)) {
            for (int i = 0; i < 100; i++) {
                switch (i % 5) {
                    case 0 -> assertEquals("root", identifyStream(lake, "x.safetensors", new ByteArrayInputStream(child))
                            .parent().orElseThrow().name());
                    case 1 -> assertThrows(InvalidModelException.class,
                            () -> identifyStream(lake, "x.safetensors", new ByteArrayInputStream(new byte[] {1, 2, 3})));
                    case 2 -> assertThrows(UploadTooLargeException.class,
                            () -> identifyStream(lake, "x.bin", new ByteArrayInputStream(new byte[300_000])));
                    case 3 -> assertThrows(IOException.class, () -> identifyStream(lake, "x.safetensors", breaksAfter(child, 500)));
                    default -> assertEquals(1, lake.identify(write("r.safetensors", root)).copies().size());
                }
            }
            assertTrue(lake.awaitIdle(Duration.ofSeconds(10)));
        }
        assertEquals(before, LakeFiles.digest(dir.resolve("lake")));
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("identify-")).toList());
        }
    }

    private static Identification identifyStream(ModelLake lake, String name, InputStream in) throws IOException {
        try (IdentifyUpload probe = lake.beginIdentify()) {
            probe.addFile(name, in);
            return probe.identify();
        }
    }

    /** A stream that fails part-way, as a client that goes away. */
    static InputStream breaksAfter(byte[] bytes, int n) {
        return new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                if (pos >= n) {
                    throw new IOException("connection reset");
                }
                return bytes[pos++] & 0xff;
            }
        };
    }

    private List<Path> write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve("files").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return List.of(p);
    }

    /**
     * The SHA-256 of every file under a directory, by relative path, but the store's owner lock
     * ({@code *.lock}): it records who opened the store, rewritten at every open.
     */
    static final class LakeFiles {
        static Map<String, String> digest(Path root) throws IOException {
            Map<String, String> out = new java.util.TreeMap<>();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                    out.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
    }
}
