package org.modelheritage.read.pickle;

/**
 * Why a pickle was refused or could not be read. The unpickler turns it into a
 * {@link org.modelheritage.read.WeightFormatException} that says where (file, byte, opcode).
 */
public final class PickleException extends Exception {
    private static final long serialVersionUID = 1L;

    public PickleException(String reason) {
        super(reason);
    }
}
