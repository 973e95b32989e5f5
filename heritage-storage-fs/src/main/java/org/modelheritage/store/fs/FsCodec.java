package org.modelheritage.store.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.Change;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelStatus;

/**
 * JSON for journal records and snapshot lines, written by hand so that the file format is explicit
 * and does not move when a record class does. Timestamps are epoch milliseconds; nulls are omitted.
 */
final class FsCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private FsCodec() {
    }

    // ---- small helpers

    private static void put(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static void put(ObjectNode o, String k, Instant v) {
        if (v != null) {
            o.put(k, v.toEpochMilli());
        }
    }

    private static String text(JsonNode o, String k) {
        JsonNode v = o.get(k);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String required(JsonNode o, String k) {
        String v = text(o, k);
        if (v == null) {
            throw new IllegalArgumentException("missing \"" + k + "\" in " + o);
        }
        return v;
    }

    private static Instant instant(JsonNode o, String k) {
        JsonNode v = o.get(k);
        return v == null || v.isNull() ? null : Instant.ofEpochMilli(v.asLong());
    }

    private static Long longOrNull(JsonNode o, String k) {
        JsonNode v = o.get(k);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static Double doubleOrNull(JsonNode o, String k) {
        JsonNode v = o.get(k);
        return v == null || v.isNull() ? null : v.asDouble();
    }

    // ---- records

    static ObjectNode model(Model m) {
        ObjectNode o = F.objectNode();
        o.put("id", m.id());
        o.put("name", m.name());
        put(o, "description", m.description());
        ArrayNode files = o.putArray("files");
        for (ModelFile f : m.files()) {
            files.addObject().put("name", f.name()).put("sha256", f.sha256()).put("size", f.size());
        }
        put(o, "format", m.format());
        o.put("checksum", m.checksum());
        o.put("byteSize", m.byteSize());
        if (m.parameterCount() != null) {
            o.put("parameterCount", m.parameterCount());
        }
        if (m.layerCount() != null) {
            o.put("layerCount", m.layerCount());
        }
        put(o, "structuralHash", m.structuralHash());
        put(o, "familyId", m.familyId());
        put(o, "parentId", m.parentId());
        if (m.confidence() != null) {
            o.put("confidence", m.confidence());
        }
        o.put("status", m.status().name());
        put(o, "failureMessage", m.failureMessage());
        put(o, "createdAt", m.createdAt());
        put(o, "processedAt", m.processedAt());
        return o;
    }

    static Model model(JsonNode o) {
        List<ModelFile> files = new ArrayList<>();
        for (JsonNode f : o.path("files")) {
            files.add(new ModelFile(required(f, "name"), required(f, "sha256"), f.path("size").asLong()));
        }
        Long layers = longOrNull(o, "layerCount");
        return Model.builder(required(o, "id"), required(o, "name"), required(o, "checksum"),
                        o.path("byteSize").asLong(), instant(o, "createdAt"))
                .description(text(o, "description"))
                .files(files)
                .format(text(o, "format"))
                .parameterCount(longOrNull(o, "parameterCount"))
                .layerCount(layers == null ? null : layers.intValue())
                .structuralHash(text(o, "structuralHash"))
                .familyId(text(o, "familyId"))
                .parentId(text(o, "parentId"))
                .confidence(doubleOrNull(o, "confidence"))
                .status(ModelStatus.valueOf(required(o, "status")))
                .failureMessage(text(o, "failureMessage"))
                .processedAt(instant(o, "processedAt"))
                .build();
    }

    static ObjectNode family(FsState.FamilyRow f) {
        ObjectNode o = F.objectNode().put("id", f.id()).put("structuralHash", f.structuralHash());
        put(o, "root", f.rootModelId());
        return o;
    }

    static FsState.FamilyRow family(JsonNode o) {
        return new FsState.FamilyRow(required(o, "id"), required(o, "structuralHash"), text(o, "root"));
    }

    static ObjectNode edge(LineageEdge e) {
        return F.objectNode().put("parent", e.parentId()).put("child", e.childId()).put("confidence", e.confidence())
                .put("kind", e.kind().name()).put("weight", e.weight());
    }

    /** An edge; files written before merges have no weight: 1. */
    static LineageEdge edge(JsonNode o) {
        return new LineageEdge(required(o, "parent"), required(o, "child"), o.path("confidence").asDouble(),
                EdgeKind.valueOf(required(o, "kind")), o.path("weight").asDouble(1.0));
    }

    static ObjectNode edgeRow(FsState.EdgeRow e) {
        return edge(e.edge()).put("family", e.familyId());
    }

    static FsState.EdgeRow edgeRow(JsonNode o) {
        LineageEdge e = edge(o);
        return new FsState.EdgeRow(required(o, "family"), e.parentId(), e.childId(), e.confidence(), e.kind(), e.weight());
    }

    static ObjectNode distance(PairDistance d) {
        return F.objectNode().put("a", d.modelA()).put("b", d.modelB()).put("metric", d.metric()).put("value", d.value());
    }

    static PairDistance distance(JsonNode o) {
        return new PairDistance(required(o, "a"), required(o, "b"), required(o, "metric"), o.path("value").asDouble());
    }

    static ObjectNode job(Job j) {
        ObjectNode o = F.objectNode().put("id", j.modelId()).put("state", j.state().name()).put("attempts", j.attempts());
        put(o, "enqueuedAt", j.enqueuedAt());
        put(o, "startedAt", j.startedAt());
        put(o, "finishedAt", j.finishedAt());
        put(o, "lastError", j.lastError());
        return o;
    }

    static Job job(JsonNode o) {
        return new Job(required(o, "id"), JobState.valueOf(required(o, "state")), o.path("attempts").asInt(),
                instant(o, "enqueuedAt"), instant(o, "startedAt"), instant(o, "finishedAt"), text(o, "lastError"));
    }

    static ObjectNode token(ApiToken t) {
        ObjectNode o = F.objectNode().put("id", t.id()).put("name", t.name()).put("role", t.role())
                .put("secretHash", t.secretHash());
        put(o, "createdAt", t.createdAt());
        put(o, "expiresAt", t.expiresAt());
        put(o, "revokedAt", t.revokedAt());
        put(o, "createdBy", t.createdBy());
        return o;
    }

    static ApiToken token(JsonNode o) {
        return new ApiToken(required(o, "id"), required(o, "name"), required(o, "role"), required(o, "secretHash"),
                instant(o, "createdAt"), instant(o, "expiresAt"), instant(o, "revokedAt"), text(o, "createdBy"));
    }

    static ObjectNode audit(AuditEntry e) {
        ObjectNode o = F.objectNode().put("id", e.id()).put("actor", e.actor()).put("action", e.action())
                .put("client", e.client());
        put(o, "at", e.at());
        put(o, "target", e.target());
        put(o, "detail", e.detail());
        return o;
    }

    static AuditEntry audit(JsonNode o) {
        return new AuditEntry(required(o, "id"), instant(o, "at"), required(o, "actor"), required(o, "action"),
                text(o, "target"), required(o, "client"), text(o, "detail"));
    }

    // ---- changes, as journalled

    static ObjectNode change(Object change) {
        ObjectNode o = F.objectNode();
        if (change instanceof Change.InsertModel c) {
            o.put("op", "insertModel").set("model", model(c.model()));
        } else if (change instanceof Change.UpdateModel c) {
            o.put("op", "updateModel").set("model", model(c.model()));
        } else if (change instanceof Change.UpdateStatus c) {
            o.put("op", "updateStatus").put("id", c.modelId()).put("status", c.status().name());
            put(o, "failureMessage", c.failureMessage());
            put(o, "processedAt", c.processedAt());
        } else if (change instanceof Change.DeleteModel c) {
            o.put("op", "deleteModel").put("id", c.modelId());
        } else if (change instanceof Change.PutFamily c) {
            o.put("op", "putFamily").put("id", c.familyId()).put("structuralHash", c.structuralHash());
            put(o, "root", c.rootModelId());
        } else if (change instanceof Change.DeleteFamily c) {
            o.put("op", "deleteFamily").put("id", c.familyId());
        } else if (change instanceof Change.ReplaceLineage c) {
            o.put("op", "replaceLineage").put("family", c.familyId());
            ArrayNode edges = o.putArray("edges");
            c.edges().forEach(e -> edges.add(edge(e)));
        } else if (change instanceof Change.UpdateLineage c) {
            o.put("op", "updateLineage").put("family", c.familyId());
            ArrayNode children = o.putArray("children");
            c.children().forEach(children::add);
            ArrayNode edges = o.putArray("edges");
            c.edges().forEach(e -> edges.add(edge(e)));
        } else if (change instanceof Change.PutDistance c) {
            o.put("op", "putDistance").setAll(distance(c.distance()));
        } else if (change instanceof FsState.StoredStatistics c) {
            o.put("op", "putStatistics").put("id", c.modelId()).put("version", c.version()).put("sha256", c.sha256());
        } else if (change instanceof Change.EnqueueJob c) {
            o.put("op", "enqueueJob").put("id", c.modelId());
            put(o, "at", c.enqueuedAt());
        } else if (change instanceof Change.FinishJob c) {
            o.put("op", "finishJob").put("id", c.modelId()).put("outcome", c.outcome().name());
            put(o, "error", c.error());
            put(o, "at", c.finishedAt());
        } else if (change instanceof FsState.ClaimJob c) {
            o.put("op", "claimJob").put("id", c.modelId());
            put(o, "at", c.startedAt());
        } else if (change instanceof FsState.RequeueRunning) {
            o.put("op", "requeueRunning");
        } else if (change instanceof Change.PutToken c) {
            o.put("op", "putToken").set("token", token(c.token()));
        } else if (change instanceof Change.RevokeToken c) {
            o.put("op", "revokeToken").put("id", c.tokenId());
            put(o, "at", c.revokedAt());
        } else if (change instanceof Change.AppendAudit c) {
            o.put("op", "appendAudit").set("entry", audit(c.entry()));
        } else {
            throw new IllegalArgumentException("cannot journal " + change);
        }
        return o;
    }

    static Object change(JsonNode o) {
        String op = required(o, "op");
        switch (op) {
            case "insertModel":
                return new Change.InsertModel(model(o.get("model")));
            case "updateModel":
                return new Change.UpdateModel(model(o.get("model")));
            case "updateStatus":
                return new Change.UpdateStatus(required(o, "id"), ModelStatus.valueOf(required(o, "status")),
                        text(o, "failureMessage"), instant(o, "processedAt"));
            case "deleteModel":
                return new Change.DeleteModel(required(o, "id"));
            case "putFamily":
                return new Change.PutFamily(required(o, "id"), required(o, "structuralHash"), text(o, "root"));
            case "deleteFamily":
                return new Change.DeleteFamily(required(o, "id"));
            case "replaceLineage": {
                List<LineageEdge> edges = new ArrayList<>();
                o.path("edges").forEach(e -> edges.add(edge(e)));
                return new Change.ReplaceLineage(required(o, "family"), edges);
            }
            case "updateLineage": {
                java.util.Set<String> children = new java.util.TreeSet<>();
                o.path("children").forEach(c -> children.add(c.asText()));
                List<LineageEdge> edges = new ArrayList<>();
                o.path("edges").forEach(e -> edges.add(edge(e)));
                return new Change.UpdateLineage(required(o, "family"), children, edges);
            }
            case "putDistance":
                return new Change.PutDistance(distance(o));
            case "putStatistics":
                return new FsState.StoredStatistics(required(o, "id"), required(o, "version"), required(o, "sha256"));
            case "enqueueJob":
                return new Change.EnqueueJob(required(o, "id"), instant(o, "at"));
            case "finishJob":
                return new Change.FinishJob(required(o, "id"), JobState.valueOf(required(o, "outcome")),
                        text(o, "error"), instant(o, "at"));
            case "claimJob":
                return new FsState.ClaimJob(required(o, "id"), instant(o, "at"));
            case "requeueRunning":
                return new FsState.RequeueRunning();
            case "putToken":
                return new Change.PutToken(token(o.get("token")));
            case "revokeToken":
                return new Change.RevokeToken(required(o, "id"), instant(o, "at"));
            case "appendAudit":
                return new Change.AppendAudit(audit(o.get("entry")));
            default:
                throw new IllegalArgumentException("unknown journal op " + op);
        }
    }
}
