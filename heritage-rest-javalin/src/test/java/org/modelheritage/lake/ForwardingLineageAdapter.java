package org.modelheritage.lake;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelheritage.lineage.LineageProbe;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.WeightFile;

/** A lineage engine that hands every call to another; tests override what they need to disturb. */
class ForwardingLineageAdapter implements LineageAdapter {
    private final LineageAdapter real;

    ForwardingLineageAdapter(LineageAdapter real) {
        this.real = real;
    }

    @Override
    public Signature signature(WeightFile file) throws IOException {
        return real.signature(file);
    }

    @Override
    public String familyKey(Signature signature) {
        return real.familyKey(signature);
    }

    @Override
    public LineageAdapter fresh() {
        return real.fresh();
    }

    @Override
    public String statisticsVersion() {
        return real.statisticsVersion();
    }

    @Override
    public Set<String> restore(Map<String, Signature> models, List<PairDistance> cachedDistances) {
        return real.restore(models, cachedDistances);
    }

    @Override
    public Outcome add(String modelId, Signature signature) {
        return real.add(modelId, signature);
    }

    @Override
    public Outcome remove(String modelId) {
        return real.remove(modelId);
    }

    @Override
    public boolean contains(String modelId) {
        return real.contains(modelId);
    }

    @Override
    public List<String> distanceMetrics() {
        return real.distanceMetrics();
    }

    @Override
    public LineageProbe.Outcome probe(Signature candidate) {
        return real.probe(candidate);
    }
}
