package org.modelheritage.signature;

import java.util.List;

/**
 * The canonical name of a tensor: its name without the wrappers that training and publishing
 * tools put in front of the same weights. A fine-tune saved by DataParallel ({@code module.}),
 * {@code torch.compile} ({@code _orig_mod.}), PEFT ({@code base_model.model.}) or by a bare base
 * class without the task head's {@code model.} / {@code transformer.} prefix holds the same tensors
 * as its parent; signatures key their tensors by this name so that such models compare.
 */
public final class TensorNames {
    /** Stripped from the front, repeatedly, in any order. */
    static final List<String> WRAPPERS = List.of("module.", "_orig_mod.", "base_model.model.", "model.",
            "transformer.");

    private TensorNames() {
    }

    /**
     * The name with every leading wrapper removed.
     *
     * @param name a tensor name as a file spells it, e.g. {@code module.model.layers.0.attn.q.weight}
     * @return the name without its wrappers ({@code layers.0.attn.q.weight}); a wrapper that would
     *     leave nothing is kept
     */
    public static String canonical(String name) {
        String s = name;
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String w : WRAPPERS) {
                if (s.startsWith(w) && s.length() > w.length()) {
                    s = s.substring(w.length());
                    stripped = true;
                }
            }
        }
        return s;
    }
}
