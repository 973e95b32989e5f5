#!/bin/bash
# Runs `eval` on every subset of the development corpus three ways and says whether the scores,
# families and edges (with their confidences) are identical to the default run's:
#   default          java -jar heritage-server.jar eval DIR          (all pairs, scalar kernels)
#   candidate pairs  java -Dmh.sparseAbove=0 ...                      (candidate-pair path for every family)
#   vector kernels   java --add-modules jdk.incubator.vector ...      (Vector API signature kernels)
# usage: scripts/eval_variants_check.sh [CORPUS_DIR] [JAR]
set -u
CORPUS=${1:-$(dirname "$0")/../../shared/corpus}
JAR=${2:-$(dirname "$0")/../heritage-rest-javalin/target/heritage-server.jar}
strip() { python3 -c "import json,sys; d=json.load(sys.stdin); d.pop('seconds',None); print(json.dumps(d,sort_keys=True))"; }
for d in "$CORPUS"/mlp-ft "$CORPUS"/vit-ft "$CORPUS"/vit-lora "$CORPUS"/realistic/all "$CORPUS"/realistic/kinds/*; do
  [ -f "$d/ground_truth.json" ] || continue
  base=$(java -jar "$JAR" eval "$d" --json --quiet 2>/dev/null | strip)
  sparse=$(java -Dmh.sparseAbove=0 -jar "$JAR" eval "$d" --json --quiet 2>/dev/null | strip)
  vector=$(java --add-modules jdk.incubator.vector -jar "$JAR" eval "$d" --json --quiet 2>/dev/null | strip)
  same() { [ -n "$base" ] && [ "$1" == "$base" ] && echo identical || echo DIFFERENT; }
  scores=$(echo "$base" | python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join(f'{k}={d[k]}' for k in ('models','adjusted_rand_index','directed_accuracy','root_accuracy')))")
  echo "$(basename "$d"): candidate pairs $(same "$sparse"), vector kernels $(same "$vector")  [$scores]"
done
