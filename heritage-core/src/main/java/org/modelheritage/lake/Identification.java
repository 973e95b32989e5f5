package org.modelheritage.lake;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the lake makes of a weight file it was shown but not given ({@link ModelLake#identify}):
 * where the model would sit if it were added, found by the lake's own lineage engine. Immutable.
 *
 * @param checksum the file's SHA-256 (several files: of their sorted "name sha256" lines, as an upload's)
 * @param format the weight format the readers recognised ({@code safetensors}, {@code pytorch-zip}...)
 * @param parameterCount every tensor's elements together
 * @param layerCount the lineage matrices the signature holds
 * @param placement whether it would join a family, and why not
 * @param family the family it would join; null unless {@link Placement#JOINS_FAMILY}
 * @param parents its most likely parent(s), heaviest (the main one) first: one, several for a merge
 *     (each with its weight), none when it would be its family's root
 * @param children models already in the lake it would become the parent of (it sits above them)
 * @param copies models that hold the same weights: the same bytes, a dtype cast or renamed tensors,
 *     a quantised copy either way
 * @param nearest the (up to) five members of its family nearest to it, on the distance the family's
 *     tree is built on, nearest first
 */
public record Identification(String checksum, String format, long parameterCount, int layerCount,
        Placement placement, FamilyMatch family, List<LineageLink> parents, List<LineageLink> children,
        List<Copy> copies, List<Neighbour> nearest) {

    /** How many neighbours {@link #nearest()} lists at most. */
    public static final int NEAREST = 5;

    /**
     * Checks the components and copies the lists.
     *
     * @param checksum       not null
     * @param format         the format id, or null
     * @param parameterCount the element count
     * @param layerCount     the matrix count
     * @param placement      not null
     * @param family         the family joined, or null
     * @param parents        not null; copied
     * @param children       not null; copied
     * @param copies         not null; copied
     * @param nearest        not null; copied
     * @throws NullPointerException when {@code checksum}, {@code placement} or a list is null
     */
    public Identification {
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(placement, "placement");
        parents = List.copyOf(parents);
        children = List.copyOf(children);
        copies = List.copyOf(copies);
        nearest = List.copyOf(nearest);
    }

    /** Whether the model would join a family, and if not, why. */
    public enum Placement {
        /** It would join the family {@link #family()} (several, which it links into one, in {@link FamilyMatch#alsoJoins()}). */
        JOINS_FAMILY("it would join a family"),
        /** No model in the lake has its architecture (tensor names and shapes). */
        NO_COMPATIBLE_ARCHITECTURE("no model in the lake has a compatible architecture"),
        /** Models of its architecture are there, but its weights correlate with none of them. */
        INDEPENDENTLY_TRAINED("compatible architecture, but no relative: independently trained");

        private final String reason;

        Placement(String reason) {
            this.reason = reason;
        }

        /** {@return a sentence for people: "no model in the lake has a compatible architecture"} */
        public String reason() {
            return reason;
        }

        /** {@return the name as JSON writes it: {@code joins-family}, {@code independently-trained}} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The family the model would join.
     *
     * @param id the family's id in the lake
     * @param memberCount its members now
     * @param rootModelId its root now (the model may become the new root: then it has children and no parent)
     * @param rootModelName the root's name; null when the family has no root yet
     * @param alsoJoins other families it correlates with, which adding it would merge into this one
     */
    public record FamilyMatch(String id, long memberCount, String rootModelId, String rootModelName,
            List<String> alsoJoins) {
        /**
         * Checks the id and copies the list.
         *
         * @param id            not null
         * @param memberCount   the member count
         * @param rootModelId   the root's id, or null
         * @param rootModelName the root's name, or null
         * @param alsoJoins     not null; copied
         * @throws NullPointerException when {@code id} or {@code alsoJoins} is null
         */
        public FamilyMatch {
            Objects.requireNonNull(id, "id");
            alsoJoins = List.copyOf(alsoJoins);
        }
    }

    /**
     * A model holding the same weights.
     *
     * @param id   the model's id
     * @param name the model's name
     * @param kind how the weights are the same
     */
    public record Copy(String id, String name, Kind kind) {
        /**
         * Checks the components.
         *
         * @param id   not null
         * @param name the name, or null
         * @param kind not null
         * @throws NullPointerException when {@code id} or {@code kind} is null
         */
        public Copy {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(kind, "kind");
        }

        /** How a copy holds the same weights, from the strictest match to the loosest. */
        public enum Kind {
            /** The very same bytes. */
            EXACT,
            /** The same weights up to rounding: a dtype cast, other tensor names or another file format. */
            DUPLICATE,
            /** One is the other quantised (and dequantised). */
            QUANTIZED;

            /** {@return the name as JSON writes it: {@code exact}, {@code duplicate}, {@code quantized}} */
            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /**
     * A member of the family and how far it is.
     *
     * @param id the member's id
     * @param name the member's name
     * @param distance the distance the family's tree is built on (spectral tail, or rank for a
     *     low-rank family); 0 for the same weights
     * @param correlation the weight correlation families are formed by
     */
    public record Neighbour(String id, String name, double distance, double correlation) {
        /**
         * Checks the id.
         *
         * @param id          not null
         * @param name        the name, or null
         * @param distance    at least 0
         * @param correlation the correlation
         * @throws NullPointerException when {@code id} is null
         */
        public Neighbour {
            Objects.requireNonNull(id, "id");
        }
    }

    /** {@return the main parent (the heaviest of {@link #parents()}), or empty when the model would be a root} */
    public java.util.Optional<LineageLink> parent() {
        return parents.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(parents.get(0));
    }
}
