package org.modelheritage.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TensorNamesTest {
    @Test
    void wrappersAreStrippedInAnyOrder() {
        assertEquals("layers.0.self_attn.q_proj.weight", TensorNames.canonical("model.layers.0.self_attn.q_proj.weight"));
        assertEquals("layers.0.self_attn.q_proj.weight", TensorNames.canonical("layers.0.self_attn.q_proj.weight"));
        assertEquals("layers.0.self_attn.q_proj.weight",
                TensorNames.canonical("base_model.model.model.layers.0.self_attn.q_proj.weight"));
        assertEquals("lm_head.weight", TensorNames.canonical("module._orig_mod.lm_head.weight"));
        assertEquals("h.0.attn.c_attn.weight", TensorNames.canonical("transformer.h.0.attn.c_attn.weight"));
        assertEquals("model", TensorNames.canonical("model"), "nothing would be left: kept");
        assertEquals("model.", TensorNames.canonical("model."));
        assertEquals("encoder.model.weight", TensorNames.canonical("encoder.model.weight"), "only at the front");
    }

    @Test
    void toolWrappersAreCountedArchitecturePrefixesAreNot() {
        assertEquals(0, TensorNames.toolWrappers("model.layers.0.self_attn.q_proj.weight"));
        assertEquals(0, TensorNames.toolWrappers("transformer.h.0.attn.c_attn.weight"));
        assertEquals(1, TensorNames.toolWrappers("module.model.layers.0.self_attn.q_proj.weight"));
        assertEquals(1, TensorNames.toolWrappers("base_model.model.model.layers.0.self_attn.q_proj.weight"));
        assertEquals(2, TensorNames.toolWrappers("module._orig_mod.lm_head.weight"));
        assertEquals(0, TensorNames.toolWrappers("module."), "nothing would be left: not a wrapper");
        assertEquals(0, TensorNames.toolWrappers("encoder.module.weight"), "only at the front");
    }
}
