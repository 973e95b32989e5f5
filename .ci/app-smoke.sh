#!/usr/bin/env bash
# The README's first command on a fresh data folder: the shaded app jar starts on its embedded
# default store (SQLite), answers, takes an upload from the corpus and processes it to READY.
# Tests run on the test class path; only this check proves the jar a user runs has what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=heritage-rest-javalin/target/heritage-server.jar
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -jar "$jar" serve --data "$data" --port "$port" > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  if curl -fsS "$base/health/ready" > /dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "app smoke: the server exited"; cat "$data/server.log"; exit 1; fi
  sleep 1
done
curl -fsS "$base/health/ready" > /dev/null || { echo "app smoke: not ready after 120 s"; cat "$data/server.log"; exit 1; }
model=$(ls ${HERITAGE_SHARED_DIR:-../shared}/corpus/realistic/all/*.safetensors 2>/dev/null | head -n 1 || true)
if [ -z "$model" ]; then
  python3 - "$data/tiny.safetensors" <<'PY'
import json, struct, sys
h = json.dumps({"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}}).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + struct.pack("<16f", *[i / 16 for i in range(16)]))
PY
  model="$data/tiny.safetensors"
fi
id=$(curl -fsS -F name=smoke -F "file=@$model" "$base/api/models" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 120); do
  status=$(curl -fsS "$base/api/models/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  case "$status" in
    READY|ready)
      # the jar's own log format (ops.TextLogConfigurator, registered in the jar only): dated lines
      grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}(Z|[+-][0-9]{2}:[0-9]{2}) INFO  \[[^]]+\] o\.m\.' "$data/server.log" \
        || { echo "app smoke: no INFO line of the app's text format in the server's log"; cat "$data/server.log"; exit 1; }
      echo "app smoke ok: serve on SQLite, $(basename "$model") READY, logs in the text format"; exit 0 ;;
    FAILED|failed) echo "app smoke: the upload FAILED"; curl -sS "$base/api/models/$id"; cat "$data/server.log"; exit 1 ;;
  esac
  sleep 1
done
echo "app smoke: $id still $status after 120 s"; cat "$data/server.log"; exit 1
