package org.modelheritage.read.pytorch;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.modelheritage.read.DType;

/**
 * A global the restricted unpickler admits: what PyTorch state dicts and checkpoints need, as in
 * PyTorch's own weights-only unpickler. Each stands for a behaviour of ours, never for code from
 * the file. {@code dtype} is the element type of a storage type or dtype global (null when we
 * cannot read that type).
 */
record TorchGlobal(String qualifiedName, Kind kind, DType dtype) {

    enum Kind {
        ORDERED_DICT, DICT, LIST, TUPLE, SET, BYTEARRAY, CODECS_ENCODE,
        REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_TENSOR_V3, REBUILD_PARAMETER, REBUILD_FROM_TYPE,
        UNSUPPORTED_TENSOR, PARAMETER, TENSOR_TYPE, SIZE, DEVICE, STORAGE_TYPE, UNTYPED_STORAGE_TYPE, DTYPE,
        CONSTANT
    }

    private static final Map<String, TorchGlobal> ALLOWED = new HashMap<>();

    static {
        add("collections.OrderedDict", Kind.ORDERED_DICT);
        for (String builtins : new String[] {"builtins", "__builtin__"}) {
            add(builtins + ".dict", Kind.DICT);
            add(builtins + ".list", Kind.LIST);
            add(builtins + ".tuple", Kind.TUPLE);
            add(builtins + ".set", Kind.SET);
            add(builtins + ".frozenset", Kind.SET);
            add(builtins + ".bytearray", Kind.BYTEARRAY);
        }
        add("_codecs.encode", Kind.CODECS_ENCODE);
        add("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
        add("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
        add("torch._utils._rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3);
        add("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
        add("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER);
        add("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE);
        add("torch._tensor._rebuild_from_type", Kind.REBUILD_FROM_TYPE);
        for (String f : new String[] {"_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor",
            "_rebuild_meta_tensor_no_storage", "_rebuild_qtensor", "_rebuild_wrapper_subclass", "_rebuild_nested_tensor",
            "_rebuild_device_tensor_from_cpu_tensor", "_rebuild_device_tensor_from_numpy", "_rebuild_xla_tensor",
            "_rebuild_mlc_tensor"}) {
            add("torch._utils." + f, Kind.UNSUPPORTED_TENSOR);
        }
        add("torch.serialization._get_layout", Kind.UNSUPPORTED_TENSOR);
        add("torch.nn.parameter.Parameter", Kind.PARAMETER);
        add("torch.Tensor", Kind.TENSOR_TYPE);
        add("torch._tensor.Tensor", Kind.TENSOR_TYPE);
        add("torch.Size", Kind.SIZE);
        add("torch.device", Kind.DEVICE);
        for (String c : new String[] {"strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc",
            "_mkldnn", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format"}) {
            add("torch." + c, Kind.CONSTANT);
        }
        Object[][] storages = {
            {"DoubleStorage", DType.F64}, {"FloatStorage", DType.F32}, {"HalfStorage", DType.F16},
            {"BFloat16Storage", DType.BF16}, {"LongStorage", DType.I64}, {"IntStorage", DType.I32},
            {"ShortStorage", DType.I16}, {"CharStorage", DType.I8}, {"ByteStorage", DType.U8},
            {"BoolStorage", DType.BOOL}, {"ComplexFloatStorage", null}, {"ComplexDoubleStorage", null},
            {"QInt8Storage", null}, {"QUInt8Storage", null}, {"QInt32Storage", null}, {"QUInt4x2Storage", null},
            {"QUInt2x4Storage", null},
        };
        for (String module : new String[] {"torch", "torch.cuda"}) {
            for (Object[] s : storages) {
                ALLOWED.put(module + "." + s[0], new TorchGlobal(module + "." + s[0], Kind.STORAGE_TYPE, (DType) s[1]));
            }
        }
        for (String u : new String[] {"torch.UntypedStorage", "torch._UntypedStorage", "torch.storage.UntypedStorage",
            "torch.storage._UntypedStorage", "torch.cuda.UntypedStorage"}) {
            ALLOWED.put(u, new TorchGlobal(u, Kind.UNTYPED_STORAGE_TYPE, DType.U8));
        }
        for (String t : new String[] {"torch.storage.TypedStorage", "torch.storage._TypedStorage", "torch.TypedStorage"}) {
            ALLOWED.put(t, new TorchGlobal(t, Kind.STORAGE_TYPE, null));
        }
        Object[][] dtypes = {
            {"float64", DType.F64}, {"double", DType.F64}, {"float32", DType.F32}, {"float", DType.F32},
            {"float16", DType.F16}, {"half", DType.F16}, {"bfloat16", DType.BF16}, {"int64", DType.I64},
            {"long", DType.I64}, {"int32", DType.I32}, {"int", DType.I32}, {"int16", DType.I16},
            {"short", DType.I16}, {"int8", DType.I8}, {"uint8", DType.U8}, {"bool", DType.BOOL},
            {"float8_e4m3fn", DType.F8_E4M3}, {"float8_e5m2", DType.F8_E5M2},
            {"complex32", null}, {"chalf", null}, {"complex64", null}, {"cfloat", null}, {"complex128", null},
            {"cdouble", null}, {"uint16", null}, {"uint32", null}, {"uint64", null}, {"float8_e4m3fnuz", null},
            {"float8_e5m2fnuz", null}, {"float8_e8m0fnu", null}, {"qint8", null}, {"quint8", null},
            {"qint32", null}, {"quint4x2", null}, {"quint2x4", null},
        };
        for (Object[] d : dtypes) {
            ALLOWED.put("torch." + d[0], new TorchGlobal("torch." + d[0], Kind.DTYPE, (DType) d[1]));
        }
    }

    private static void add(String name, Kind kind) {
        ALLOWED.put(name, new TorchGlobal(name, kind, null));
    }

    static Optional<TorchGlobal> lookup(String module, String name) {
        return Optional.ofNullable(ALLOWED.get(module + "." + name));
    }

    @Override
    public String toString() {
        return qualifiedName;
    }
}
