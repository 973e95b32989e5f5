package org.modelheritage.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.modelheritage.lake.DuplicateModelException;
import org.modelheritage.lake.LakeException;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingest PATH...}: adds weight files, sharded checkpoints and whole directories of them to
 * the lake, with a progress bar on stderr, waits for processing and prints a summary.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Add weight files or whole directories to the lake, wait for processing, print a summary.")
final class IngestCommand implements Callable<Integer> {
    private static final Set<String> WEIGHT_EXTENSIONS = Set.of("safetensors", "pt", "pth", "bin", "ckpt");

    @Mixin
    LakeArgs lake = new LakeArgs();

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Weight files (.safetensors, .pt, .pth, .bin, .ckpt), sharded checkpoint directories, or directories holding them.")
    List<Path> paths;

    @Option(names = "--timeout", defaultValue = "PT1H", description = "How long to wait for processing (ISO-8601 duration; default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** One model to add: its name (file name without extension, or directory name) and its files. */
    record Candidate(String name, Path path) {
    }

    @Override
    public Integer call() throws Exception {
        List<Candidate> candidates = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                System.err.println("no such file or directory: " + p);
                return 2;
            }
            collect(p, candidates);
        }
        if (candidates.isEmpty()) {
            System.err.println("no weight files found in " + paths);
            return 2;
        }
        PrintStream err = System.err;
        Progress progress = new Progress(err, candidates.size());
        Map<String, String> added = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        try (ModelLake modelLake = lake.open()) {
            for (Candidate c : candidates) {
                progress.show("adding", c.name());
                try {
                    Model m = modelLake.add(c.name(), null, List.of(c.path()));
                    added.put(m.id(), c.name());
                } catch (DuplicateModelException e) {
                    duplicates.add(c.name() + " (already model " + e.existingId() + ")");
                } catch (LakeException e) {
                    rejected.add(c.name() + ": " + e.getMessage());
                }
                progress.step();
            }
            progress.done();
            Progress processing = new Progress(err, added.size());
            long deadline = System.nanoTime() + timeout.toNanos();
            int finished = 0;
            while (finished < added.size() && System.nanoTime() < deadline) {
                modelLake.awaitIdle(Duration.ofMillis(250));
                finished = (int) added.keySet().stream().map(modelLake::model)
                        .filter(m -> m.isPresent() && isFinal(m.get().status())).count();
                processing.set(finished, "processing");
            }
            processing.done();
            summarise(modelLake, added, duplicates, rejected);
            boolean allReady = added.keySet().stream().map(modelLake::model)
                    .allMatch(m -> m.isPresent() && m.get().status() == ModelStatus.READY);
            // Main's exit statuses: a rejected file is bad input (2); a file that failed processing, 1.
            return !rejected.isEmpty() ? 2 : allReady ? 0 : 1;
        }
    }

    private static boolean isFinal(ModelStatus s) {
        return s == ModelStatus.READY || s == ModelStatus.FAILED;
    }

    private static void summarise(ModelLake lake, Map<String, String> added, List<String> duplicates, List<String> rejected) {
        PrintStream out = System.out;
        int ready = 0;
        List<String> failed = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (Map.Entry<String, String> e : added.entrySet()) {
            Model m = lake.model(e.getKey()).orElse(null);
            if (m == null) {
                continue;
            }
            switch (m.status()) {
                case READY -> ready++;
                case FAILED -> failed.add(e.getValue() + ": " + m.failureMessage());
                default -> unfinished.add(e.getValue() + " (" + m.status().name().toLowerCase(Locale.ROOT) + ")");
            }
        }
        out.printf("added %d, ready %d, failed %d, unfinished %d, duplicates %d, rejected %d; the lake now has %d models in %d families%n",
                added.size(), ready, failed.size(), unfinished.size(), duplicates.size(), rejected.size(),
                lake.stats().models(), lake.stats().families());
        failed.forEach(s -> out.println("  failed: " + s));
        unfinished.forEach(s -> out.println("  unfinished: " + s));
        duplicates.forEach(s -> out.println("  duplicate: " + s));
        rejected.forEach(s -> out.println("  rejected: " + s));
    }

    /** A file is one model; a directory with a *.index.json is one sharded model; other directories are walked. */
    static void collect(Path path, List<Candidate> out) throws IOException {
        if (Files.isRegularFile(path)) {
            out.add(new Candidate(stripExtension(path.getFileName().toString()), path));
            return;
        }
        if (isShardedCheckpoint(path)) {
            out.add(new Candidate(path.getFileName().toString(), path));
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(path)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            if (Files.isDirectory(child)) {
                collect(child, out);
            } else if (WEIGHT_EXTENSIONS.contains(extension(child.getFileName().toString()))) {
                out.add(new Candidate(stripExtension(child.getFileName().toString()), child));
            }
        }
    }

    private static boolean isShardedCheckpoint(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.anyMatch(p -> p.getFileName().toString().endsWith(".index.json"));
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }

    /** A one-line progress bar, redrawn in place on a terminal, one line per step otherwise. */
    static final class Progress {
        private static final int WIDTH = 30;
        private final PrintStream err;
        private final int total;
        private final boolean terminal = System.console() != null;
        private int done;
        private int lastPrinted = -1;

        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = total;
        }

        void show(String verb, String item) {
            draw(verb + " " + item);
        }

        void step() {
            done++;
        }

        void set(int value, String verb) {
            done = value;
            if (terminal || value != lastPrinted) {
                draw(verb);
            }
        }

        private void draw(String label) {
            lastPrinted = done;
            int filled = total == 0 ? WIDTH : done * WIDTH / total;
            String bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + label;
            if (terminal) {
                err.print("\r" + (bar.length() > 100 ? bar.substring(0, 100) : String.format("%-100s", bar)));
            } else {
                err.println(bar);
            }
            err.flush();
        }

        void done() {
            draw("done");
            if (terminal) {
                err.println();
            }
        }
    }
}
