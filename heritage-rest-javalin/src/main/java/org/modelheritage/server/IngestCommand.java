package org.modelheritage.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingest PATH...}: adds weight files, sharded checkpoints and whole directories of them to
 * the lake, with a progress bar on stderr, waits for processing and prints a summary. With
 * {@code --server URL} it uploads through a running server's API instead of opening the lake.
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

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:HERITAGE_SERVER}",
            description = "Add the models through a running server's API instead of opening the lake here: "
                    + "what to use while 'serve' owns the data directory (env HERITAGE_SERVER).")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:HERITAGE_TOKEN}",
            description = "API token for --server when it asks for one: a contributor token (env HERITAGE_TOKEN).")
    String token;

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
        try (IngestTarget target = server != null ? new ServerIngestTarget(server, token)
                : new LocalIngestTarget(lake.open())) {
            for (Candidate c : candidates) {
                progress.show("adding", c.name());
                try {
                    added.put(target.add(c.name(), c.path()), c.name());
                } catch (IngestTarget.Duplicate e) {
                    duplicates.add(c.name() + " (already model " + e.existingId + ")");
                } catch (IngestTarget.Rejected e) {
                    rejected.add(c.name() + ": " + e.getMessage());
                }
                progress.step();
            }
            progress.done();
            Progress processing = new Progress(err, added.size());
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, IngestTarget.Status> statuses = statuses(target, added);
            int finished = 0;
            while (finished < added.size() && System.nanoTime() < deadline) {
                target.awaitProgress(Duration.ofMillis(250));
                statuses = statuses(target, added);
                finished = (int) statuses.values().stream().filter(IngestTarget.Status::isFinal).count();
                processing.set(finished, "processing");
            }
            processing.done();
            summarise(target, added, statuses, duplicates, rejected);
            Map<String, IngestTarget.Status> last = statuses;
            boolean allReady = added.keySet().stream()
                    .allMatch(id -> last.containsKey(id) && last.get(id).status().equals("ready"));
            // Main's exit statuses: a rejected file is bad input (2); a file that failed processing, 1.
            return !rejected.isEmpty() ? 2 : allReady ? 0 : 1;
        } catch (ServerIngestTarget.Unusable e) {
            err.println();
            err.println("ingest: " + e.getMessage());
            return 2;
        }
    }

    private static Map<String, IngestTarget.Status> statuses(IngestTarget target, Map<String, String> added)
            throws IOException {
        Map<String, IngestTarget.Status> out = new LinkedHashMap<>();
        for (String id : added.keySet()) {
            target.status(id).ifPresent(s -> out.put(id, s));
        }
        return out;
    }

    private static void summarise(IngestTarget target, Map<String, String> added, Map<String, IngestTarget.Status> statuses,
                                  List<String> duplicates, List<String> rejected) throws IOException {
        PrintStream out = System.out;
        int ready = 0;
        List<String> failed = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (Map.Entry<String, String> e : added.entrySet()) {
            IngestTarget.Status s = statuses.get(e.getKey());
            if (s == null) {
                continue;
            }
            switch (s.status()) {
                case "ready" -> ready++;
                case "failed" -> failed.add(e.getValue() + ": " + s.failure());
                default -> unfinished.add(e.getValue() + " (" + s.status() + ")");
            }
        }
        long[] totals = target.totals();
        out.printf("added %d, ready %d, failed %d, unfinished %d, duplicates %d, rejected %d; the lake now has %d models in %d families%n",
                added.size(), ready, failed.size(), unfinished.size(), duplicates.size(), rejected.size(),
                totals[0], totals[1]);
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
