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
    /**
     * The wrappers a tool adds around a whole model while it trains or adapts it (DataParallel,
     * {@code torch.compile}, PEFT), as opposed to the prefixes an architecture's own classes give
     * their weights ({@code model.}, {@code transformer.}).
     */
    static final List<String> TOOL_WRAPPERS = List.of("module.", "_orig_mod.", "base_model.model.");
    /** Stripped from the front, repeatedly, in any order: the tools' wrappers, then the architectures' prefixes. */
    static final List<String> WRAPPERS = java.util.stream.Stream.concat(TOOL_WRAPPERS.stream(),
            java.util.stream.Stream.of("model.", "transformer.")).toList();

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
        return strip(name).name();
    }

    /**
     * How many tool wrappers ({@code module.}, {@code _orig_mod.}, {@code base_model.model.}) lead
     * the name, among the wrappers {@link #canonical} strips.
     *
     * @param name a tensor name as a file spells it
     * @return 0 for {@code model.layers.0.attn.q.weight}, 2 for {@code module._orig_mod.model.layers.0.attn.q.weight}
     */
    public static int toolWrappers(String name) {
        return strip(name).toolWrappers();
    }

    private record Stripped(String name, int toolWrappers) {
    }

    private static Stripped strip(String name) {
        String s = name;
        int tools = 0;
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String w : WRAPPERS) {
                if (s.startsWith(w) && s.length() > w.length()) {
                    s = s.substring(w.length());
                    tools += TOOL_WRAPPERS.contains(w) ? 1 : 0;
                    stripped = true;
                }
            }
        }
        return new Stripped(s, tools);
    }
}
