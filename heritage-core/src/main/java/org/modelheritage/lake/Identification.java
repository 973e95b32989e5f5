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

        /** A sentence for people. */
        public String reason() {
            return reason;
        }

        /** As JSON writes it: {@code joins-family}, {@code independently-trained}. */
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
     * @param alsoJoins other families it correlates with, which adding it would merge into this one
     */
    public record FamilyMatch(String id, long memberCount, String rootModelId, String rootModelName,
            List<String> alsoJoins) {
        public FamilyMatch {
            Objects.requireNonNull(id, "id");
            alsoJoins = List.copyOf(alsoJoins);
        }
    }

    /** A model holding the same weights. */
    public record Copy(String id, String name, Kind kind) {
        public Copy {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(kind, "kind");
        }

        public enum Kind {
            /** The very same bytes. */
            EXACT,
            /** The same weights up to rounding: a dtype cast, other tensor names or another file format. */
            DUPLICATE,
            /** One is the other quantised (and dequantised). */
            QUANTIZED;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /**
     * A member of the family and how far it is.
     *
     * @param distance the distance the family's tree is built on (spectral tail, or rank for a
     *     low-rank family); 0 for the same weights
     * @param correlation the weight correlation families are formed by
     */
    public record Neighbour(String id, String name, double distance, double correlation) {
        public Neighbour {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The main parent, if it would have one. */
    public java.util.Optional<LineageLink> parent() {
        return parents.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(parents.get(0));
    }
}
