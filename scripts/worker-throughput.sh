#!/usr/bin/env bash
# Processing throughput of one and of two workers on a shared lake (docs/scale-out.md): PostgreSQL
# (a fresh schema per run) and a shared blob directory. The models are uploaded first by an ingest
# that does not process (--workers 0), in the order a mixed lake receives them (one model of each
# family in turn); then K worker processes of one thread each (MODE processes, the default), or one
# worker process of K threads (MODE threads), are started and timed from the moment they are ready
# until the last job is done.
# Needs PostgreSQL on 127.0.0.1:5432, database test, user postgres (or PGUSER), trust auth.
# Usage: scripts/worker-throughput.sh [FAMILIES [PER_FAMILY [SIDE [MODE]]]]   (default 8 25 12 processes:
#        200 small models; SIDE 128 gives two 128x128-and-up matrices a model, where the lineage work
#        outweighs a job's round trips)
set -euo pipefail
cd "$(dirname "$0")/.."
families=${1:-8}
per_family=${2:-25}
side=${3:-12}
mode=${4:-processes}
case "$mode" in processes|threads) ;; *) echo "MODE is processes or threads, not $mode" >&2; exit 2 ;; esac
user=${PGUSER:-postgres}
hz=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp=$(scripts/bench-classpath.sh)
java -cp "$cp" org.modelheritage.benchmarks.ScaleOutBench files "$work/files" "$families" "$per_family" "$side"
total=$((families * per_family))
declare -A rate
for k in 1 2; do
    schema="throughput_${k}_$$"
    store="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema&user=$user"
    blobs="file:$work/blobs-$k"
    mapfile -t mixed < <(cd "$work/files" && ls | sort -t- -k2,2 -k1,1 | sed "s|^|$work/files/|")
    java -Xmx512m -cp "$cp" org.modelheritage.server.Main ingest --workers 0 --timeout PT0S \
        --store "$store" --blobs "$blobs" --data "$work/ingest-$k" "${mixed[@]}" > "$work/ingest-$k.log" 2>&1 || true
    queued=$(psql -h 127.0.0.1 -U "$user" -d test -tAc "SELECT count(*) FROM $schema.jobs WHERE state = 'QUEUED'")
    [ "$queued" = "$total" ] || { echo "expected $total queued jobs, got $queued"; cat "$work/ingest-$k.log"; exit 1; }
    pids=()
    if [ "$mode" = threads ]; then processes=1; threads=$k; else processes=$k; threads=1; fi
    for i in $(seq 1 "$processes"); do
        java -Xmx512m -cp "$cp" org.modelheritage.server.Main worker --workers "$threads" --store "$store" --blobs "$blobs" \
            --data "$work/worker-$k-$i" > "$work/worker-$k-$i.log" 2>&1 &
        pids+=($!)
    done
    for i in $(seq 1 "$processes"); do
        until grep -q "Model Heritage worker:" "$work/worker-$k-$i.log"; do sleep 0.1; done
    done
    # CPU of the PostgreSQL server processes on this machine, in clock ticks
    pg_ticks() { for p in $(pgrep -u postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | paste -sd+ | bc; }
    pg0=$(pg_ticks)
    start=$(date +%s.%N)
    until [ "$(psql -h 127.0.0.1 -U "$user" -d test -tAc "SELECT count(*) FROM $schema.jobs WHERE state = 'DONE'")" = "$total" ]; do
        sleep 0.2
    done
    end=$(date +%s.%N)
    pg1=$(pg_ticks)
    worker_ticks=$(for p in "${pids[@]}"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | paste -sd+ | bc)
    kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    ready=$(psql -h 127.0.0.1 -U "$user" -d test -tAc "SELECT count(*) FROM $schema.models WHERE status = 'READY'")
    fams=$(psql -h 127.0.0.1 -U "$user" -d test -tAc "SELECT count(*) FROM $schema.families")
    psql -h 127.0.0.1 -U "$user" -d test -qc "DROP SCHEMA $schema CASCADE"
    seconds=$(echo "$end - $start" | bc -l)
    rate[$k]=$(echo "$total / $seconds" | bc -l)
    printf "%d worker(s), %s: %d models (%s ready, %s families) in %.1f s: %.2f models/s\n" \
        "$k" "$mode" "$total" "$ready" "$fams" "$seconds" "${rate[$k]}"
    printf "  CPU: worker process(es) %.1f s (their whole life), PostgreSQL %.1f s during the run\n" \
        "$(echo "$worker_ticks / $hz" | bc -l)" "$(echo "(${pg1:-0} - ${pg0:-0}) / $hz" | bc -l)"
done
printf "two workers / one worker: %.2f (machine: %s CPUs, %s)\n" "$(echo "${rate[2]} / ${rate[1]}" | bc -l)" \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
