package org.modelheritage.server.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LineageLink;
import org.modelheritage.lake.ModelDetails;
import org.modelheritage.store.Family;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.Page;

/**
 * The JSON shapes of the API (snake_case on the wire). Kept apart from the lake's own types so
 * that the wire format is written down in one place and changes only on purpose.
 */
final class Views {
    private Views() {
    }

    record FileView(String name, String sha256, long size) {
        static FileView of(ModelFile f) {
            return new FileView(f.name(), f.sha256(), f.size());
        }
    }

    record FamilyView(String id, String structuralHash, long memberCount, String rootId) {
        static FamilyView of(Family f) {
            return f == null ? null : new FamilyView(f.id(), f.structuralHash(), f.memberCount(), f.rootModelId());
        }
    }

    /** A parent or a child: {@code kind} is the edge's label ({@code fine-tune}, {@code merge}, ...). */
    record LinkView(String id, String name, double weight, double confidence, String kind) {
        static LinkView of(LineageLink l) {
            return l == null ? null : new LinkView(l.id(), l.name(), l.weight(), l.confidence(), l.kindLabel());
        }
    }

    /** {@code parent} is the main parent (a merge's heaviest), {@code parents} every one, heaviest first. */
    record LineageView(LinkView parent, List<LinkView> parents, List<LinkView> children) {
    }

    /** A model in a list: everything but its lineage. */
    record ModelView(String id, String name, String description, String status, String error,
                     String format, long fileSize, String checksum, List<FileView> files,
                     Long parameterCount, Integer layerCount, String structuralHash, String familyId,
                     String createdAt, String processedAt) {
        static ModelView of(Model m) {
            return new ModelView(m.id(), m.name(), m.description(), Views.status(m.status()), m.failureMessage(),
                    m.format(), m.byteSize(), m.checksum(), m.files().stream().map(FileView::of).toList(),
                    m.parameterCount(), m.layerCount(), m.structuralHash(), m.familyId(),
                    time(m.createdAt()), time(m.processedAt()));
        }
    }

    /** One model with its family and lineage: GET /api/models/{id} and POST /api/models. */
    record ModelDetailView(String id, String name, String description, String status, String error,
                           String format, long fileSize, String checksum, List<FileView> files,
                           Long parameterCount, Integer layerCount, String structuralHash, String familyId,
                           String createdAt, String processedAt, FamilyView family, LineageView lineage) {
        static ModelDetailView of(ModelDetails d) {
            Model m = d.model();
            return new ModelDetailView(m.id(), m.name(), m.description(), Views.status(m.status()), m.failureMessage(),
                    m.format(), m.byteSize(), m.checksum(), m.files().stream().map(FileView::of).toList(),
                    m.parameterCount(), m.layerCount(), m.structuralHash(), m.familyId(),
                    time(m.createdAt()), time(m.processedAt()), FamilyView.of(d.family()),
                    new LineageView(LinkView.of(d.parent()), d.parents().stream().map(LinkView::of).toList(),
                            d.children().stream().map(LinkView::of).toList()));
        }
    }

    record ModelPageView(List<ModelView> models, long total, int offset, int limit) {
        static ModelPageView of(Page<Model> page) {
            return new ModelPageView(page.items().stream().map(ModelView::of).toList(), page.total(), page.offset(), page.limit());
        }
    }

    record FamilyPageView(List<FamilyView> families, long total, int offset, int limit) {
        static FamilyPageView of(Page<Family> page) {
            return new FamilyPageView(page.items().stream().map(FamilyView::of).toList(), page.total(), page.offset(), page.limit());
        }
    }

    record NodeView(String id, String name, boolean isRoot, Long parameterCount) {
    }

    /** {@code duplicate} is kept for older clients: {@code kind} is {@code duplicate}. */
    record EdgeView(String parent, String child, double confidence, String kind, double weight, boolean duplicate) {
    }

    record TreeView(FamilyView family, List<NodeView> nodes, List<EdgeView> edges) {
        static TreeView of(FamilyTree t) {
            return new TreeView(FamilyView.of(t.family()),
                    t.nodes().stream().map(n -> new NodeView(n.id(), n.name(), n.root(), n.parameterCount())).toList(),
                    t.edges().stream().map(e -> new EdgeView(e.parentId(), e.childId(), e.confidence(), e.kind().label(),
                            e.weight(), e.duplicate())).toList());
        }
    }

    record StatsView(long models, long families, Map<String, Long> byStatus, Map<String, Long> byFormat,
                     long totalParameters, String lastUpload) {
        static StatsView of(LakeTotals s) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (ModelStatus status : ModelStatus.values()) {
                byStatus.put(Views.status(status), s.modelsByStatus().getOrDefault(status, 0L));
            }
            return new StatsView(s.models(), s.families(), byStatus, new TreeMap<>(s.modelsByFormat()),
                    s.totalParameters(), time(s.lastUploadAt()));
        }
    }

    /** {@code /api/stats/charts}: what the dashboard draws, every series spelt out for its text alternative. */
    record ChartsView(List<DayView> uploadsByDay, Map<String, Long> byFormat, long totalParameters, long totalBytes,
                      List<SizeView> familySizes, List<FamilySizeView> largestFamilies, Map<String, Long> edgesByKind,
                      List<BinView> edgeConfidence, QueueView queue) {
        static ChartsView of(LakeStats s) {
            List<DayView> days = new java.util.ArrayList<>();
            Map<String, Long> running = statuses(Map.of());
            for (LakeStats.DailyUploads d : s.uploadsByDay()) {
                Map<String, Long> uploaded = statuses(d.byStatus());
                Map<String, Long> cumulative = new LinkedHashMap<>();
                running.forEach((status, n) -> cumulative.put(status, n + uploaded.get(status)));
                running = cumulative;
                days.add(new DayView(d.day().toString(), uploaded, cumulative,
                        cumulative.values().stream().mapToLong(Long::longValue).sum()));
            }
            List<SizeView> sizes = s.familySizes().entrySet().stream()
                    .map(e -> new SizeView(e.getKey(), e.getValue())).toList();
            List<FamilySizeView> largest = s.largestFamilies().stream().map(f -> new FamilySizeView(f.familyId(),
                    f.rootModelId(), f.rootModelName(), f.models(), f.parameters(), f.bytes())).toList();
            Map<String, Long> kinds = new LinkedHashMap<>();
            s.edgesByKind().forEach((k, n) -> kinds.put(k.label(), n));
            List<BinView> bins = new java.util.ArrayList<>();
            for (int b = 0; b < LakeStats.CONFIDENCE_BINS; b++) {
                bins.add(new BinView(LakeStats.binLowerBound(b), LakeStats.binLowerBound(b + 1), s.edgeConfidence().get(b)));
            }
            return new ChartsView(days, new TreeMap<>(s.modelsByFormat()), s.totalParameters(), s.totalBytes(), sizes,
                    largest, kinds, bins, new QueueView(s.pending(), s.processing()));
        }

        private static Map<String, Long> statuses(Map<ModelStatus, Long> counts) {
            Map<String, Long> out = new LinkedHashMap<>();
            for (ModelStatus status : ModelStatus.values()) {
                out.put(Views.status(status), counts.getOrDefault(status, 0L));
            }
            return out;
        }
    }

    /** One day: uploads that day and everything uploaded up to it, by status now. */
    record DayView(String day, Map<String, Long> uploaded, Map<String, Long> cumulative, long cumulativeTotal) {
    }

    record SizeView(long models, long families) {
    }

    record FamilySizeView(String id, String rootId, String rootName, long models, long parameters, long bytes) {
    }

    /** Edges whose confidence lies in [from, to); the last bin also holds 1 and above, the first below 0. */
    record BinView(double from, double to, long edges) {
    }

    record QueueView(long pending, long processing) {
    }

    record HealthView(String status, String version, long models, int workersAlive, int workers) {
    }

    static String status(ModelStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
