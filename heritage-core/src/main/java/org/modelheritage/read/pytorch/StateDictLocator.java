package org.modelheritage.read.pytorch;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelheritage.read.pickle.PickleException;
import org.modelheritage.read.pickle.Py;

/**
 * Finds the model's state dict in what a {@code torch.save} pickle holds: the top-level dict
 * when it holds tensors itself; else the dict under a conventional key ({@code state_dict},
 * {@code model_state_dict}, {@code model}, {@code module}, ...); else the one nested dict of
 * tensors (optimizer and scheduler state aside), or, when there are several, all of them. Nested
 * dicts are flattened with dotted names, as {@code Module.state_dict()} names them; entries that
 * are not tensors ({@code "epoch": 3}) are ignored. Walks are depth-bounded and visit each dict
 * once, so a cyclic or very deep structure cannot hang it or overflow the stack.
 */
final class StateDictLocator {
    static final int MAX_DEPTH = 32;
    static final List<String> PREFERRED_KEYS = List.of("state_dict", "model_state_dict", "model", "module", "net",
            "network", "params", "weights");
    private static final Set<String> NON_MODEL_KEYS = Set.of("optim", "scheduler", "lr_scheduler", "scaler",
            "grad_scaler", "amp", "loss_scaler", "rng_state");

    private final Map<Py.Dict, Boolean> holdsTensors = new IdentityHashMap<>();

    private StateDictLocator() {
    }

    /** Tensor name to {@link TensorRef} or {@link UnsupportedTensor}, in the dict's order. */
    static Map<String, Object> locate(Object root) throws PickleException {
        if (root instanceof TensorRef || root instanceof UnsupportedTensor) {
            throw new PickleException("the file holds a single tensor, not a dict of named tensors (a state dict)");
        }
        if (!(root instanceof Py.Dict dict)) {
            throw new PickleException("the file holds a " + Py.typeName(root) + ", not a state dict");
        }
        StateDictLocator locator = new StateDictLocator();
        Map<String, Object> out = new LinkedHashMap<>();
        locator.choose(dict, 0, out);
        return out;
    }

    private void choose(Py.Dict dict, int depth, Map<String, Object> out) throws PickleException {
        if (depth > MAX_DEPTH) {
            throw new PickleException("dicts nested more than " + MAX_DEPTH + " deep");
        }
        for (int i = 0; i < dict.size(); i++) {
            if (isTensor(dict.value(i))) {
                flatten(dict, "", 0, out, new IdentityHashMap<>());
                return;
            }
        }
        for (String key : PREFERRED_KEYS) {
            if (dict.get(key) instanceof Py.Dict inner && holdsTensors(inner, depth + 1)) {
                choose(inner, depth + 1, out);
                return;
            }
        }
        List<Integer> candidates = new ArrayList<>();
        boolean nonModelTensors = false;
        for (int i = 0; i < dict.size(); i++) {
            if (dict.value(i) instanceof Py.Dict inner && holdsTensors(inner, depth + 1)) {
                String key = name(dict.key(i));
                if (key != null && (NON_MODEL_KEYS.contains(key) || key.startsWith("optimizer"))) {
                    nonModelTensors = true;
                } else {
                    candidates.add(i);
                }
            }
        }
        if (candidates.size() == 1) {
            choose((Py.Dict) dict.value(candidates.get(0)), depth + 1, out);
            return;
        }
        if (candidates.isEmpty()) {
            throw new PickleException(nonModelTensors
                    ? "the file holds optimizer or scheduler state but no model state dict"
                    : "the file holds no tensors (no state dict found)");
        }
        Map<Py.Dict, Boolean> visited = new IdentityHashMap<>();
        for (int i : candidates) {
            flatten((Py.Dict) dict.value(i), name(dict.key(i)) + ".", depth + 1, out, visited);
        }
    }

    private void flatten(Py.Dict dict, String prefix, int depth, Map<String, Object> out, Map<Py.Dict, Boolean> visited)
            throws PickleException {
        if (depth > MAX_DEPTH) {
            throw new PickleException("dicts nested more than " + MAX_DEPTH + " deep");
        }
        if (visited.put(dict, Boolean.TRUE) != null) {
            return;
        }
        for (int i = 0; i < dict.size(); i++) {
            String key = name(dict.key(i));
            Object value = dict.value(i);
            if (key == null) {
                continue;
            }
            if (isTensor(value)) {
                if (out.put(prefix + key, value) != null) {
                    throw new PickleException("two tensors are named " + prefix + key);
                }
            } else if (value instanceof Py.Dict inner && holdsTensors(inner, depth + 1)) {
                flatten(inner, prefix + key + ".", depth + 1, out, visited);
            }
        }
    }

    private boolean holdsTensors(Py.Dict dict, int depth) {
        Boolean known = holdsTensors.get(dict);
        if (known != null) {
            return known;
        }
        holdsTensors.put(dict, Boolean.FALSE); // a cycle back to this dict adds nothing
        boolean result = false;
        if (depth <= MAX_DEPTH) {
            for (int i = 0; i < dict.size() && !result; i++) {
                Object v = dict.value(i);
                result = isTensor(v) || (v instanceof Py.Dict inner && holdsTensors(inner, depth + 1));
            }
        }
        holdsTensors.put(dict, result);
        return result;
    }

    private static boolean isTensor(Object o) {
        return o instanceof TensorRef || o instanceof UnsupportedTensor;
    }

    /** A dict key as part of a tensor name; null for keys that cannot name one (tuples...). */
    private static String name(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Long || key instanceof BigInteger || key instanceof Boolean) {
            return String.valueOf(key);
        }
        return null;
    }
}
