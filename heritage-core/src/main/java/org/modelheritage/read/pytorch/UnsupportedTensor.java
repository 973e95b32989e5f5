package org.modelheritage.read.pytorch;

/**
 * A tensor we cannot read (sparse, quantized, complex...). It may sit in a part of a checkpoint
 * we ignore; in the state dict it is an error that says {@link #what}.
 */
record UnsupportedTensor(String what) {
    @Override
    public String toString() {
        return "unsupported tensor (" + what + ")";
    }
}
