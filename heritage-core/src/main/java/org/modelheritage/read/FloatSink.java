package org.modelheritage.read;

/**
 * Receives a tensor's values as floats, in row-major (C) order, one chunk at a time. The array is
 * reused between calls: copy what you keep.
 */
@FunctionalInterface
public interface FloatSink {
    /**
     * Takes the next chunk of values.
     *
     * @param values a buffer whose first {@code length} entries are the next values
     * @param length how many entries of {@code values} are valid
     */
    void accept(float[] values, int length);
}
