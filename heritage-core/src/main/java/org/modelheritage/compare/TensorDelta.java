package org.modelheritage.compare;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How one tensor differs between two models, A and B (read as parent and child).
 *
 * @param name the canonical name both tensors share ({@link org.modelheritage.signature.TensorNames#canonical})
 * @param nameA the name in A's file
 * @param nameB the name in B's file
 * @param shapeA the tensor's shape in A
 * @param shapeB the tensor's shape in B
 * @param status {@link Status#SAME} (every value equal), {@link Status#CHANGED} or {@link Status#RESIZED}
 *     (the first dimension differs: compared on the rows both have; other shape changes are not compared)
 * @param normA ‖A‖ over the compared values; NaN when the shapes differ in a way that is not compared
 * @param normDelta ‖B − A‖ over the compared values
 * @param cosine the cosine of A and B as vectors (NaN when one is all zeros)
 * @param maxAbsDelta the largest |B − A|
 * @param rank the estimated rank of B − A for a matrix (a tensor of two or more dimensions, read as
 *     rows by the rest); null for vectors and scalars
 * @param rankCap the largest rank the estimate can tell (the sketch's side, at most the matrix's); null with rank
 * @param grid the quantisation scheme B's values sit on while A's do not (e.g. {@code row/127}); null when none
 */
public record TensorDelta(String name, String nameA, String nameB, List<Long> shapeA, List<Long> shapeB, Status status,
        double normA, double normDelta, double cosine, double maxAbsDelta, Integer rank, Integer rankCap, String grid) {

    /** How the tensor compares. */
    public enum Status {
        /** Every value is equal, and so is the shape. */
        SAME,
        /** The shape is the same; some values differ. */
        CHANGED,
        /** The shapes differ: the first dimension (compared on the rows both have), or otherwise (not compared). */
        RESIZED;

        /** {@return the name as JSON writes it: {@code same}, {@code changed}, {@code resized}} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Checks the name and status and copies the shapes.
     *
     * @param name        not null
     * @param nameA       A's name for the tensor
     * @param nameB       B's name for the tensor
     * @param shapeA      not null; copied
     * @param shapeB      not null; copied
     * @param status      not null
     * @param normA       the norm of A's compared values
     * @param normDelta   the norm of the difference
     * @param cosine      the cosine of A and B
     * @param maxAbsDelta the largest absolute difference
     * @param rank        the difference's estimated rank, or null
     * @param rankCap     the largest rank the estimate can tell, or null
     * @param grid        B's quantisation scheme, or null
     * @throws NullPointerException when {@code name}, {@code status} or a shape is null
     */
    public TensorDelta {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        shapeA = List.copyOf(shapeA);
        shapeB = List.copyOf(shapeB);
    }

    /** {@return ‖B − A‖ / ‖A‖: 0 for identical values, infinite when A is all zeros and B is not} */
    public double relativeChange() {
        if (normDelta == 0) {
            return 0;
        }
        return normA == 0 ? Double.POSITIVE_INFINITY : normDelta / normA;
    }

    /** {@return whether the tensor is a matrix (two or more dimensions), so that {@link #rank()} is known} */
    public boolean isMatrix() {
        return rank != null;
    }

    /** {@return the block the tensor belongs to: the first all-digit part of its name ({@code layers.3.mlp...}: "3"); null outside blocks} */
    public String layer() {
        for (String part : name.split("\\.")) {
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                return part;
            }
        }
        return null;
    }

    /**
     * The tensor within its block: the name after the layer number, without a trailing
     * {@code .weight} ({@code layers.3.self_attn.q_proj.weight}: {@code self_attn.q_proj}); outside
     * blocks the whole name so.
     *
     * @return the module's name within its block
     */
    public String module() {
        String layer = layer();
        String rest = name;
        if (layer != null) {
            int at = ("." + name + ".").indexOf("." + layer + ".");
            rest = name.substring(Math.min(name.length(), at + layer.length() + 1));
        }
        if (rest.endsWith(".weight")) {
            rest = rest.substring(0, rest.length() - ".weight".length());
        }
        return rest.isEmpty() ? name : rest;
    }

    /** {@return the last part of {@link #module()}: {@code q_proj}, {@code query}, {@code bias}} */
    public String moduleLeaf() {
        String m = module();
        return m.substring(m.lastIndexOf('.') + 1);
    }
}
