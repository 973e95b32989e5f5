package org.modelheritage.benchmarks;

import ai.djl.engine.Engine;

/**
 * DJL's PyTorch engine from the natives jar on the class path (benchmarks/target/lib), never the
 * network, on one intra-op thread so that NDArray kernels are compared per core with the
 * single-threaded Java ones.
 */
final class OfflineDjl {
    private OfflineDjl() {
    }

    static Engine pytorchOneThread() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        return Engine.getEngine("PyTorch");
    }
}
