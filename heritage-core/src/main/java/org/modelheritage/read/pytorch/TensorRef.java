package org.modelheritage.read.pytorch;

import org.modelheritage.read.DType;

/** A tensor the pickle rebuilds: a view (offset in elements, shape, strides) on a storage. */
record TensorRef(StorageRef storage, DType dtype, long storageOffset, long[] shape, long[] strides) {
    @Override
    public String toString() {
        return "tensor on " + storage;
    }
}
