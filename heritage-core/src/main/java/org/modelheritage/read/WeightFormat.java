package org.modelheritage.read;

/** The container formats we read. Detected from content, never from a file name. */
public enum WeightFormat {
    /** One {@code .safetensors} file. */
    SAFETENSORS("safetensors"),
    /** A directory with {@code *.safetensors.index.json} and its shards. */
    SHARDED_SAFETENSORS("sharded-safetensors"),
    /** A {@code torch.save} zip archive (PyTorch 1.6 and later), whatever its extension. */
    PYTORCH_ZIP("pytorch-zip"),
    /** The legacy pre-1.6 {@code torch.save} format: pickles followed by raw storages. */
    PYTORCH_LEGACY("pytorch-legacy");

    private final String id;

    WeightFormat(String id) {
        this.id = id;
    }

    /** {@return the stable lowercase name used in JSON, the stores and the CLI: {@code safetensors}, {@code pytorch-zip}} */
    public String id() {
        return id;
    }
}
