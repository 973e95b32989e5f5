#!/usr/bin/python3
"""Builds a lake of small models in families through the real server, on loopback, and prints the
figures of docs/hub-scale.md: add time by n (median, p99), database size against the models' own
bytes, restart-to-serving time at a small heap, and REST latency under concurrent clients.

usage: hub_load.py [--models N] [--families F] [--jar JAR] [--data DIR] [--clients 16] [--xmx 1g]

Each model is four 64x64 F32 matrices (64 KiB of weights). A family is a root (Laplace weights)
and fine-tunes: a third of them of the root (a hub), the rest of a uniformly chosen earlier member
(chains and bushes), each its parent plus Gaussian noise. Models are uploaded one at a time and
each add is timed from the POST until the model reads READY (the worker's signature, family and
tree work included). Everything stays on 127.0.0.1; the data folder is a fresh temporary one
unless --data names one; the server is stopped at the end. Bounded: --models (default 600) and
--requests per client (default 200). The REST load runs in scripts/RestLoad.java (a lean Java client
over plain sockets, whose own CPU per request is printed: Python threads would add their interpreter
lock's waits to the measured latencies, the JDK's HttpClient a millisecond of CPU a request on the
server's cores), after a warm-up of --warmup requests per client that is not measured. Every figure
is printed with the machine's load average at the time (1, 5, 15 minutes): on a shared machine
compare figures of one run.

The full run of the issue is --models 10000 --families 1 (hours on two cores).
"""
import argparse, json, os, random, shutil, signal, socket, statistics, struct, subprocess, sys, tempfile
import time, urllib.request, urllib.error
import numpy as np

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--models", type=int, default=600)
ap.add_argument("--families", type=int, default=1)
ap.add_argument("--jar", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                              "heritage-rest-javalin", "target", "heritage-server.jar"))
ap.add_argument("--data", default=None, help="data folder (default: a fresh temporary one, deleted after)")
ap.add_argument("--clients", type=int, default=16)
ap.add_argument("--requests", type=int, default=200, help="requests per client and endpoint")
ap.add_argument("--warmup", type=int, default=20, help="unmeasured requests per client and endpoint first")
ap.add_argument("--xmx", default="1g", help="heap of the restarted server")
ap.add_argument("--java-opts", default="--add-modules jdk.incubator.vector")
ap.add_argument("--bucket", type=int, default=100, help="add times reported per this many models of a family")
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--measure-only", action="store_true",
                help="add nothing: measure the database, restart and REST on the lake in --data")
a = ap.parse_args()
if a.measure_only and not a.data:
    sys.exit("--measure-only needs --data")
if a.models < a.families or a.families < 1:
    sys.exit("need at least one model per family")

SIDE = 64
NAMES = [f"layer.{i}.attention.weight" for i in range(4)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def safetensors(mats):
    header, offset = {}, 0
    for name in NAMES:
        n = mats[name].nbytes
        header[name] = {"dtype": "F32", "shape": [SIDE, SIDE], "data_offsets": [offset, offset + n]}
        offset += n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(mats[n].astype("<f4").tobytes() for n in NAMES)


class Server:
    def __init__(self, data, port, heap=None):
        self.port = port
        cmd = ["java"] + a.java_opts.split() + ([f"-Xmx{heap}"] if heap else []) + [
            "-jar", a.jar, "serve", "--data", data, "--port", str(port),
            "--rate-limit-reads", "0", "--rate-limit-uploads", "0"]
        self.log = open(os.path.join(data, f"server-{port}.log"), "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_serving(self, path="/api/models?limit=1", timeout=600):
        """Seconds from the start until `path` answers 200."""
        while time.monotonic() - self.started < timeout:
            if self.proc.poll() is not None:
                sys.exit(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.02)
        sys.exit("server did not answer in time")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def request(port, method, path, body=None, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, json.loads(r.read() or b"null")


def upload(port, name, data):
    boundary = "hub-load-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}.safetensors\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    status, model = request(port, "POST", "/api/models", body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if status != 201:
        sys.exit(f"upload answered {status}")
    return model["id"]


def wait_ready(port, model_id):
    while True:
        _, m = request(port, "GET", f"/api/models/{model_id}")
        if m["status"] == "ready":
            return m
        if m["status"] == "failed":
            sys.exit(f"model {model_id} failed: {m.get('error')}")
        time.sleep(0.003)


def load():
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def timer_totals(port):
    """Sums and counts of the server's job, lineage-engine and metadata-write timers (/metrics)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        for key, prefix in (("job", "heritage_job_duration_seconds"), ("lineage", "heritage_lineage_update_seconds"),
                            ("write", "heritage_store_operation_seconds")):
            if line.startswith(prefix + "_sum") or line.startswith(prefix + "_count"):
                if key == "write" and 'operation="apply"' not in line or key == "write" and 'store="metadata"' not in line:
                    continue
                kind = "sum" if line.startswith(prefix + "_sum") else "count"
                out[(key, kind)] = out.get((key, kind), 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def cpu_seconds(pid):
    """User plus system CPU time a process has used, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    own = a.data is None
    data = a.data or tempfile.mkdtemp(prefix="hub-load-")
    os.makedirs(data, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; data {data}")
    if not a.measure_only:
        add_models(data)
    measure(data, own)


def add_models(data):
    rng = np.random.default_rng(a.seed)
    pick = random.Random(a.seed)
    server = Server(data, free_port())
    print(f"server up in {server.wait_serving():.1f} s")

    per_family = [a.models // a.families + (1 if f < a.models % a.families else 0) for f in range(a.families)]
    weights = {}          # (family, index) -> matrices, to derive children from
    add_ms = []           # (index in family, ms)
    start = time.monotonic()
    timers = timer_totals(server.port)
    order = [(f, i) for i in range(max(per_family)) for f in range(a.families) if i < per_family[f]]
    for f, i in order:
        if i == 0:
            mats = {n: rng.laplace(0, 0.02 / np.sqrt(2), (SIDE, SIDE)).astype(np.float32) for n in NAMES}
        else:
            parent = 0 if pick.random() < 0.33 else pick.randrange(i)
            mats = {n: (weights[(f, parent)][n] + rng.normal(0, 0.006, (SIDE, SIDE))).astype(np.float32)
                    for n in NAMES}
        weights[(f, i)] = mats
        blob = safetensors(mats)
        t0 = time.monotonic()
        mid = upload(server.port, f"fam{f}-m{i:05d}", blob)
        wait_ready(server.port, mid)
        add_ms.append((i, (time.monotonic() - t0) * 1000))
        if len(add_ms) % 100 == 0:
            recent = [ms for _, ms in add_ms[-100:]]
            now = timer_totals(server.port)

            def mean(k):
                n = now.get((k, "count"), 0) - timers.get((k, "count"), 0)
                return 1000 * (now.get((k, "sum"), 0) - timers.get((k, "sum"), 0)) / n if n else float("nan")
            # the server's own means over the same models: the whole job, the lineage engine's
            # part, and the metadata writes (the job's commit, the upload's insert, the claims)
            print(f"  {len(add_ms)} models in {time.monotonic() - start:.0f} s; last 100: median "
                  f"{statistics.median(recent):.0f} ms, p99 {pct(recent, 99):.0f} ms; server means: job "
                  f"{mean('job'):.0f} ms, engine {mean('lineage'):.0f} ms, a metadata write {mean('write'):.1f} ms "
                  f"({load()})", flush=True)
            timers = now
    print(f"{len(add_ms)} models added in {time.monotonic() - start:.0f} s ({load()})")
    print("add time by n (the n-th model of its family), upload to READY:")
    print(f"  {'n':>13} {'median ms':>10} {'p99 ms':>8}")
    for lo in range(0, max(per_family), a.bucket):
        xs = [ms for i, ms in add_ms if lo <= i < lo + a.bucket]
        if xs:
            print(f"  {lo + 1:>6}-{lo + a.bucket:<6} {statistics.median(xs):>10.1f} {pct(xs, 99):>8.1f}")
    all_ms = [ms for _, ms in add_ms]
    print(f"  {'all':>13} {statistics.median(all_ms):>10.1f} {pct(all_ms, 99):>8.1f}")

    server.stop()


def measure(data, own):
    pick = random.Random(a.seed)
    db = sum(os.path.getsize(os.path.join(data, x)) for x in os.listdir(data) if x.startswith("heritage.db"))
    model_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(data, "blobs"))
                      for f in fs)
    print(f"database: {db / 1e6:.1f} MB for {model_bytes / 1e6:.1f} MB of models (the blobs): {db / model_bytes:.2f}x")

    restarted = Server(data, free_port(), heap=a.xmx)
    health = restarted.wait_serving("/health")
    serving = restarted.wait_serving()
    print(f"restart at -Xmx{a.xmx}: /health 200 after {health:.2f} s, /api/models 200 after {serving:.2f} s ({load()})")
    _, fams = request(restarted.port, "GET", "/api/families?limit=100")
    biggest = max(fams["families"], key=lambda x: x["member_count"])
    fam_id = biggest["id"]
    ids, offset = [], 0
    while True:
        _, page = request(restarted.port, "GET", f"/api/models?limit=100&offset={offset}")
        ids += [m["id"] for m in page["models"]]
        offset += 100
        if offset >= page["total"]:
            break
    # the tree of the largest family answers once its lineage is back
    restarted.wait_serving(f"/api/families/{fam_id}/tree")
    tree_ready = time.monotonic() - restarted.started
    print(f"  largest family's tree 200 after {tree_ready:.2f} s")

    some = pick.sample(ids, min(200, len(ids)))
    endpoints = {
        "constant": lambda r: "/openapi.json",
        "list": lambda r: "/api/models?limit=50&offset=" + str(r.randrange(max(1, len(ids) - 50))),
        "search": lambda r: f"/api/models?search=m{r.randrange(biggest['member_count']):05d}",
        "model page": lambda r: "/api/models/" + r.choice(some),
        "family tree": lambda r: f"/api/families/{fam_id}/tree",
    }
    # "constant" (the OpenAPI document, a fixed answer) is the floor: what any request costs here
    print(f"REST at {a.clients} concurrent clients, {a.requests} requests each per endpoint after {a.warmup} "
          f"unmeasured (largest family: {biggest['member_count']} models):")
    client = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RestLoad.java")
    for label, make in endpoints.items():
        r = random.Random(label)
        with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as f:
            f.write("\n".join(make(r) for _ in range(a.clients * a.requests)) + "\n")
        cpu0 = cpu_seconds(restarted.proc.pid)
        out = subprocess.run(["java", client, f"http://127.0.0.1:{restarted.port}", str(a.clients), str(a.warmup), f.name],
                             capture_output=True, text=True)
        cpu = (cpu_seconds(restarted.proc.pid) - cpu0) / (a.clients * (a.requests + a.warmup))
        os.unlink(f.name)
        if out.returncode != 0:
            sys.exit(f"RestLoad failed: {out.stderr}")
        res = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {label:>12}: p50 {res['p50']:6.1f} ms, p99 {res['p99']:6.1f} ms, max {res['max']:6.1f} ms, "
              f"server CPU {1000 * cpu:5.2f} ms a request, client CPU {res['client_cpu_ms']:5.2f} ms, "
              f"{res['requests']} requests, statuses {res['statuses']} "
              f"({load()})", flush=True)
    restarted.stop()
    if own:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
