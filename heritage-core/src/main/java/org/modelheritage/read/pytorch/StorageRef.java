package org.modelheritage.read.pytorch;

/**
 * A storage a persistent id names: its key (the zip entry {@code data/KEY}, or the legacy
 * format's storage key), its type, and the byte range of it that this reference covers (a
 * legacy storage view covers part of its root).
 */
record StorageRef(String key, TorchGlobal type, int elementSize, long byteOffset, long byteLength) {
    @Override
    public String toString() {
        return "storage " + key;
    }
}
