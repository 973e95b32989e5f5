#!/usr/bin/env bash
# Two builds of the same sources, in two different directories, must give byte-identical library
# jars (project.build.outputTimestamp fixes the archive entry times). Builds heritage-core and the
# two store modules, without tests or javadoc, so it stays cheap enough for every CI run.
# Usage: .ci/reproducible-build.sh [MODULES]   (default heritage-core,heritage-storage-jdbc,heritage-storage-fs)
set -euo pipefail
cd "$(dirname "$0")/.."
modules="${1:-heritage-core,heritage-storage-jdbc,heritage-storage-fs}"
work="$(mktemp -d /tmp/heritage-repro.XXXXXX)"
trap 'rm -rf "$work"' EXIT

for side in a b; do
  mkdir -p "$work/$side"
  # The sources as git sees them (tracked and untracked-not-ignored), without build output.
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/$side" 2>/dev/null || true
  (cd "$work/$side" && mvn -B -q -o package -DskipTests -Dmaven.javadoc.skip=true -Denforcer.skip=true \
      -Dmdep.analyze.skip=true -pl "$modules" -am)
done

status=0
count=0
while IFS= read -r jar; do
  count=$((count + 1))
  if cmp -s "$work/a/$jar" "$work/b/$jar"; then
    echo "reproducible: $jar ($(sha256sum "$work/a/$jar" | cut -c1-16))"
  else
    echo "NOT REPRODUCIBLE: $jar differs between two builds" >&2
    status=1
  fi
done < <(cd "$work/a" && find . -path '*/target/*.jar' -not -path '*/target/*/*' | sort)
if [ "$count" -eq 0 ]; then
  echo "reproducible-build: no jar was built" >&2
  exit 1
fi
exit $status
