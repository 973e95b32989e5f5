#!/usr/bin/env bash
# Prints the classpath of the benchmarks module (and the app it depends on), compiling through the
# reactor first; no install into ~/.m2. Used by the scale-out scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/target/bench-classpath.txt"
mkdir -p target
mvn -B -q -o -pl benchmarks -am test-compile dependency:build-classpath -Dmdep.outputFile="$out" >&2
echo "$PWD/benchmarks/target/classes:$(cat "$out")"
