#!/usr/bin/env bash
# Trains DJL forests over a list of seeds and prints, per forest and as a mean, what the library
# recovers (ARI, undirected, directed, roots; directed / roots for the spectral tail and kurtosis
# alone). The README's DJL figures are this script's output for the seeds it names.
#
#   heritage-examples/scripts/djl-forests.sh --seeds 41-44 [--shape small|standard] [--pretrain sgd|adam] [--out DIR]
#
# Builds heritage-examples first when its jar is missing. A forest takes 0.5-12 s on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=heritage-examples/target/heritage-examples.jar
if [ ! -f "$jar" ]; then
  mvn -B -q -pl heritage-examples -am package -DskipTests
fi
exec java -cp "$jar" org.modelheritage.examples.TrainedForests "$@"
