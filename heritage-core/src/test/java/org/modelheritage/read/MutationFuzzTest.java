package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.testing.Fixtures;
import org.modelheritage.testing.TorchZipWriter;

/**
 * Mutates valid fixtures thousands of times (byte and bit flips, truncations, insertions,
 * deletions, numbers in headers swapped for hostile ones, pickles rewritten inside intact
 * archives) and checks the one property that matters for untrusted uploads: opening and fully
 * reading either succeeds or throws {@link WeightFormatException}, never anything else, and never
 * a reader bug wrapped in one. Seeded, so every failure names a case that reproduces.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard only
class MutationFuzzTest {
    private static final long SEED = 0x5AFE7E25L;
    private static final String[] FILES = {"f32.safetensors", "bf16.safetensors", "dtypes.safetensors", "model.pt",
        "checkpoint.pth", "shared.pt", "dtypes.pt", "float8.pt", "zip64.pt", "big-endian.pt", "legacy.pt",
        "legacy-shared.pt", "legacy-checkpoint.pth"};
    private static final long[] HOSTILE_NUMBERS = {0, 1, 7, 255, 65536, Integer.MAX_VALUE, 1L << 32, 1L << 40,
        Long.MAX_VALUE, -1, -8};

    @TempDir
    Path tempDir;
    /** Thousands of small files are rewritten: on tmpfs when the machine has one, as disks make this slow. */
    private Path dir;

    private int opened;
    private int rejected;

    @BeforeEach
    void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "heritage-fuzz") : tempDir;
    }

    @AfterEach
    void cleanScratch() throws IOException {
        if (!dir.equals(tempDir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void mutatedFilesOnlyEverThrowWeightFormatException() throws IOException {
        Random random = new Random(SEED);
        Path target = dir.resolve("mutant");
        int casesPerFile = 300;
        for (String name : FILES) {
            byte[] original = Files.readAllBytes(Fixtures.path(name));
            for (int c = 0; c < casesPerFile; c++) {
                long caseSeed = random.nextLong();
                Random r = new Random(caseSeed);
                byte[] mutant = name.endsWith(".safetensors") && r.nextInt(3) == 0 ? editHeaderNumber(original, r)
                        : mutate(original, r, regionOfInterest(name, original, r));
                Files.write(target, mutant);
                check(target, name + " case seed " + caseSeed);
            }
        }
        assertTrue(opened > 200 && rejected > 2000, "mutations should both keep and break files: " + opened
                + " opened, " + rejected + " rejected");
    }

    @Test
    void picklesRewrittenInsideIntactArchives() throws IOException {
        Random random = new Random(SEED + 1);
        Path target = dir.resolve("mutant.pt");
        for (String name : new String[] {"model.pt", "checkpoint.pth", "shared.pt", "float8.pt", "nested.pth"}) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(Fixtures.path(name).toFile())) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
            String pickleName = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
            byte[] pickle = entries.get(pickleName);
            for (int c = 0; c < 300; c++) {
                long caseSeed = random.nextLong();
                Random r = new Random(caseSeed);
                byte[] mutant = mutate(pickle, r, new int[] {0, pickle.length});
                try (TorchZipWriter w = new TorchZipWriter(target)) {
                    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                        w.add(e.getKey(), e.getKey().equals(pickleName) ? mutant : e.getValue());
                    }
                }
                check(target, name + " pickle case seed " + caseSeed);
            }
        }
    }

    @Test
    void shardedCheckpointsWithMutatedIndexOrShards() throws IOException {
        Random random = new Random(SEED + 2);
        Path copy = Files.createDirectories(dir.resolve("sharded"));
        Map<String, byte[]> originals = new LinkedHashMap<>();
        try (var files = Files.list(Fixtures.path("sharded"))) {
            for (Path f : files.sorted().toList()) {
                originals.put(f.getFileName().toString(), Files.readAllBytes(f));
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        List<String> names = new ArrayList<>(originals.keySet());
        for (int c = 0; c < 500; c++) {
            long caseSeed = random.nextLong();
            Random r = new Random(caseSeed);
            String victim = names.get(r.nextInt(names.size()));
            byte[] original = originals.get(victim);
            byte[] mutant = victim.endsWith(".json") && r.nextBoolean() ? editHeaderNumber(original, r)
                    : mutate(original, r, new int[] {0, Math.min(original.length, 300)});
            Files.write(copy.resolve(victim), mutant);
            check(copy, "sharded " + victim + " case seed " + caseSeed);
            Files.write(copy.resolve(victim), original);
        }
    }

    private void check(Path path, String what) {
        try {
            Rejects.readAll(path);
            opened++;
        } catch (WeightFormatException e) {
            rejected++;
            if (e.getCause() instanceof RuntimeException) {
                throw new AssertionError(what + ": a reader bug surfaced as " + e.getCause(), e.getCause());
            }
        } catch (Throwable t) {
            throw new AssertionError(what + ": threw " + t, t);
        }
    }

    /** Where structure lives: safetensors headers, zip central directories and pickles, legacy pickles. */
    private static int[] regionOfInterest(String name, byte[] bytes, Random r) {
        if (name.endsWith(".safetensors")) {
            long headerLength = 0;
            for (int i = 7; i >= 0; i--) {
                headerLength = headerLength << 8 | (bytes[i] & 0xFF);
            }
            return new int[] {0, (int) Math.min(bytes.length, 8 + headerLength)};
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (bytes[0] == 'P') {
            return r.nextBoolean()
                    ? new int[] {Math.max(0, text.indexOf("data.pkl")), Math.min(bytes.length, text.indexOf("data.pkl") + 900)}
                    : new int[] {Math.max(0, text.lastIndexOf("PK\u0001\u0002") - 600), bytes.length};
        }
        return new int[] {0, bytes.length * 2 / 3};
    }

    private static byte[] mutate(byte[] original, Random r, int[] region) {
        byte[] b = original.clone();
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            boolean focused = r.nextInt(4) != 0 && region[1] > region[0];
            int pos = focused ? region[0] + r.nextInt(region[1] - region[0]) : r.nextInt(b.length);
            pos = Math.min(pos, b.length - 1);
            switch (r.nextInt(7)) {
                case 0, 1 -> b[pos] = (byte) r.nextInt(256);
                case 2 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 3 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                case 4 -> {
                    byte[] insert = new byte[1 + r.nextInt(16)];
                    r.nextBytes(insert);
                    byte[] n = new byte[b.length + insert.length];
                    System.arraycopy(b, 0, n, 0, pos);
                    System.arraycopy(insert, 0, n, pos, insert.length);
                    System.arraycopy(b, pos, n, pos + insert.length, b.length - pos);
                    b = n;
                }
                case 5 -> {
                    int len = Math.min(b.length - pos, 1 + r.nextInt(32));
                    byte[] n = new byte[b.length - len];
                    System.arraycopy(b, 0, n, 0, pos);
                    System.arraycopy(b, pos + len, n, pos, b.length - pos - len);
                    b = n;
                }
                default -> {
                    // set a little-endian 4 or 8-byte field to a hostile number
                    long v = HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
                    int width = r.nextBoolean() ? 4 : 8;
                    for (int i = 0; i < width && pos + i < b.length; i++) {
                        b[pos + i] = (byte) (v >>> (8 * i));
                    }
                }
            }
        }
        return b;
    }

    /** Replaces one number in a JSON header with a hostile one, keeping the header length consistent. */
    private static byte[] editHeaderNumber(byte[] original, Random r) {
        boolean safetensors = original.length > 8 && original[8] == '{';
        int start = safetensors ? 8 : 0;
        long headerLength = original.length;
        if (safetensors) {
            headerLength = 0;
            for (int i = 7; i >= 0; i--) {
                headerLength = headerLength << 8 | (original[i] & 0xFF);
            }
        }
        String header = new String(original, start, (int) Math.min(headerLength, original.length - start),
                StandardCharsets.ISO_8859_1);
        List<int[]> numbers = new ArrayList<>();
        for (int i = 0; i < header.length(); i++) {
            if (Character.isDigit(header.charAt(i))) {
                int j = i;
                while (j < header.length() && Character.isDigit(header.charAt(j))) {
                    j++;
                }
                numbers.add(new int[] {i, j});
                i = j;
            }
        }
        if (numbers.isEmpty()) {
            return original;
        }
        int[] n = numbers.get(r.nextInt(numbers.size()));
        long old = Long.parseLong(header.substring(n[0], Math.min(n[1], n[0] + 18)));
        long[] choices = {old + 1, old - 1, old * 2, 0, 1L << 31, 1L << 62, 99999999999L};
        String edited = header.substring(0, n[0]) + choices[r.nextInt(choices.length)] + header.substring(n[1]);
        byte[] h = edited.getBytes(StandardCharsets.ISO_8859_1);
        int rest = (int) (original.length - start - header.length());
        byte[] out = new byte[start + h.length + rest];
        System.arraycopy(h, 0, out, start, h.length);
        System.arraycopy(original, start + header.length(), out, start + h.length, rest);
        if (safetensors) {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) ((long) h.length >>> (8 * i));
            }
        }
        return out;
    }
}
