#!/usr/bin/env bash
# Restart of a lake of many small models (docs/scale-out.md): builds a default lake (SQLite +
# blobs) of FAMILIES x PER_FAMILY models once, then opens it again twice under -Xmx1g and prints
# the open time, the heap after open, the first tree read, one upload processed (which loads its
# family group from the store) and the process's peak RSS.
# Usage: scripts/restart-benchmark.sh [FAMILIES [PER_FAMILY]]   (default 5 400: 2,000 models)
set -euo pipefail
cd "$(dirname "$0")/.."
families=${1:-5}
per_family=${2:-400}
lake=${LAKE_DIR:-$PWD/target/restart-lake-$families-$per_family}
cp=$(scripts/bench-classpath.sh)
if [ ! -f "$lake/heritage.db" ]; then
    java -Xmx1g -cp "$cp" org.modelheritage.benchmarks.ScaleOutBench build "$lake" "$families" "$per_family"
fi
for run in 1 2; do
    echo "reopen $run:"
    /usr/bin/time -f "peak RSS %M KB, wall %e s" java -Xmx1g -cp "$cp" org.modelheritage.benchmarks.ScaleOutBench reopen "$lake"
done
