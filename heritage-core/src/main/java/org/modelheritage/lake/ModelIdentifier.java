package org.modelheritage.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageProbe;
import org.modelheritage.lineage.PairMetrics;
import org.modelheritage.read.ReadLimits;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.store.Family;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifies weights against the lake without adding them: one signature pass, then the lineage
 * engine's {@link LineageProbe} (the family it would join and that family's tree), read back in
 * the lake's terms. Reads the metadata store, never writes it.
 *
 * <p>The probe runs over the candidate's family group only (the models stored under its {@link
 * LineageAdapter#familyKey}), loaded the way a job loads it: {@link FamilyGroups#open} holds the
 * group's locks for the probe, so it sees the group as the store has it, never half-changed.
 */
final class ModelIdentifier {
    private static final Logger log = LoggerFactory.getLogger(ModelIdentifier.class);

    private final MetadataStore meta;
    private final LineageAdapter lineage;
    private final FamilyGroups groups;
    private final ReadLimits limits;

    ModelIdentifier(MetadataStore meta, LineageAdapter lineage, FamilyGroups groups, ReadLimits limits) {
        this.meta = meta;
        this.lineage = lineage;
        this.groups = groups;
        this.limits = limits;
    }

    /**
     * Local files, read where they are: one weight file, or a sharded checkpoint's directory. The
     * files of a sharded checkpoint named one by one are copied into {@code upload} first, since
     * the readers open a checkpoint by its directory.
     */
    Identification identifyLocal(List<Path> paths, long maxBytes, IdentifyUploads upload) throws IOException {
        if (paths.size() == 1) {
            Path only = paths.get(0);
            List<Path> files = new ArrayList<>();
            if (java.nio.file.Files.isDirectory(only)) {
                try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(only)) {
                    list.filter(java.nio.file.Files::isRegularFile).sorted().forEach(files::add);
                }
            } else {
                files.add(only);
            }
            List<ModelFile> described = new ArrayList<>();
            long total = 0;
            for (Path f : files) {
                long size = java.nio.file.Files.size(f);
                total += size;
                if (total > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                described.add(new ModelFile(ModelUpload.cleanFileName(f.getFileName().toString()),
                        IdentifyUpload.sha256(f), size));
            }
            return identify(only, described);
        }
        try (IdentifyUpload u = upload.begin()) {
            for (Path f : paths) {
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(f)) {
                    u.addFile(f.getFileName().toString(), in);
                }
            }
            return u.identify();
        }
    }

    /** Where {@link #identifyLocal} gets a temporary upload from. */
    @FunctionalInterface
    interface IdentifyUploads {
        IdentifyUpload begin() throws IOException;
    }

    /**
     * @param weights the file or the directory of a sharded checkpoint, where the readers open it
     * @param files the files under the names they came with, with their SHA-256
     */
    Identification identify(Path weights, List<ModelFile> files) throws IOException {
        if (files.isEmpty()) {
            throw new InvalidModelException("no file uploaded: send the weights as the 'file' field");
        }
        String checksum = ModelUpload.checksum(files);
        String format;
        LineageAdapter.Signature signature;
        try (WeightFile w = WeightReaders.open(weights, limits)) {
            if (w.tensors().isEmpty()) {
                throw new InvalidModelException("the file holds no tensors");
            }
            format = w.format().id();
            signature = lineage.signature(w);
        } catch (WeightFormatException e) {
            throw new InvalidModelException(MaterialisedModel.describe(files, e), e);
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // A hostile file can drive a reader into a failure it does not expect, an Error included
            // (a recursion too deep, an allocation too large): still a file the readers cannot take,
            // so the caller hears so, as for any unreadable upload; the frames that held its memory
            // are gone. The exception's text may carry server paths: it goes to the log only.
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.warn("identify: the readers failed on {}, reference {}", files.stream().map(ModelFile::name).toList(), reference, e);
            throw new InvalidModelException("unreadable weights" + (files.size() == 1 ? " in '" + files.get(0).name() + "'" : "")
                    + ": the readers failed on it (" + e.getClass().getSimpleName() + "); reference " + reference
                    + " in the server log", e);
        }
        LineageProbe.Outcome o;
        try (FamilyGroups.Group group = groups.open(lineage.familyKey(signature), null)) {
            o = group.engine().probe(signature);
        }
        String me = o.candidateId();
        Map<String, Optional<Model>> models = new HashMap<>();
        java.util.function.Function<String, String> name = id ->
                models.computeIfAbsent(id, meta::model).map(Model::name).orElse(id);

        List<Identification.Copy> copies = new ArrayList<>();
        Optional<Model> exact = meta.modelByChecksum(checksum);
        exact.ifPresent(m -> copies.add(new Identification.Copy(m.id(), m.name(), Identification.Copy.Kind.EXACT)));
        if (o.placement() != LineageProbe.Placement.JOINS_FAMILY) {
            return new Identification(checksum, format, signature.parameterCount(), signature.layerCount(),
                    placement(o.placement()), null, List.of(), List.of(), copies, List.of());
        }

        List<LineageLink> parents = o.tree().parentEdges(me).stream()
                .sorted(Comparator.comparingDouble(LineageEdge::weight).reversed()
                        .thenComparing(Comparator.comparingDouble(LineageEdge::confidence).reversed())
                        .thenComparing(LineageEdge::parentId))
                .map(e -> new LineageLink(e.parentId(), name.apply(e.parentId()), e.confidence(), e.kind(), e.weight()))
                .toList();
        List<LineageLink> children = o.tree().edges().stream().filter(e -> e.parentId().equals(me))
                .map(e -> new LineageLink(e.childId(), name.apply(e.childId()), e.confidence(), e.kind(), e.weight()))
                .sorted(Comparator.comparing((LineageLink l) -> l.name().toLowerCase(Locale.ROOT)).thenComparing(LineageLink::id))
                .toList();

        List<String> members = o.family().members().stream().filter(id -> !id.equals(me)).toList();
        for (String id : members) {
            PairMetrics pm = o.metrics().get(id);
            boolean quantizedEdge = o.tree().edges().stream().anyMatch(e -> e.kind() == EdgeKind.QUANTIZED
                    && (e.parentId().equals(me) && e.childId().equals(id) || e.parentId().equals(id) && e.childId().equals(me)));
            boolean isExact = exact.isPresent() && exact.get().id().equals(id);
            if (!isExact && pm != null && pm.duplicate()) {
                copies.add(new Identification.Copy(id, name.apply(id), Identification.Copy.Kind.DUPLICATE));
            } else if (!isExact && quantizedEdge) {
                copies.add(new Identification.Copy(id, name.apply(id), Identification.Copy.Kind.QUANTIZED));
            }
        }

        List<Identification.Neighbour> nearest = members.stream()
                .filter(id -> o.metrics().containsKey(id))
                .sorted(Comparator.comparingDouble(o::distance).thenComparing(id -> id))
                .limit(Identification.NEAREST)
                .map(id -> new Identification.Neighbour(id, name.apply(id), o.distance(id),
                        o.correlations().getOrDefault(id, Double.NaN)))
                .toList();

        return new Identification(checksum, format, signature.parameterCount(), signature.layerCount(),
                Identification.Placement.JOINS_FAMILY, familyMatch(members, models), parents, children, copies, nearest);
    }

    /** The lake family most of its would-be family's members are in; the others it would merge into it. */
    private Identification.FamilyMatch familyMatch(List<String> members, Map<String, Optional<Model>> models) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (String id : members) {
            models.computeIfAbsent(id, meta::model).map(Model::familyId)
                    .ifPresent(f -> votes.merge(f, 1, Integer::sum));
        }
        List<String> ranked = votes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
        if (ranked.isEmpty()) {
            return null; // processed by the engine but not stored yet: a race with a worker
        }
        Optional<Family> family = meta.family(ranked.get(0));
        String root = family.map(Family::rootModelId).orElse(null);
        String rootName = root == null ? null : meta.model(root).map(Model::name).orElse(null);
        return new Identification.FamilyMatch(ranked.get(0), family.map(Family::memberCount).orElse(0L), root, rootName,
                ranked.subList(1, ranked.size()));
    }

    private static Identification.Placement placement(LineageProbe.Placement p) {
        return switch (p) {
            case JOINS_FAMILY -> Identification.Placement.JOINS_FAMILY;
            case NO_COMPATIBLE_ARCHITECTURE -> Identification.Placement.NO_COMPATIBLE_ARCHITECTURE;
            case INDEPENDENTLY_TRAINED -> Identification.Placement.INDEPENDENTLY_TRAINED;
        };
    }
}
