#!/usr/bin/env python3
"""Benchmarks of eso-mock against its peers (issue 6). Run through ci/bench.

Sections (--only NAME, repeatable or comma-separated):
  throughput   wrk against eso-mock, WireMock (as shipped and tuned), mountebank, mockttp
               and the baseline libmicrohttpd server (this machine's ceiling)
  fidelity     error of injected delays (0, 100 ms, 1 s) measured by bench-latency, through
               eso-mock, WireMock fixedDelay, mountebank wait, mockttp delay
  ratelimit    the points budget: the request past the budget gets 429 with Retry-After equal
               to ceil(seconds to the period's reset); after that wait the call succeeds
  hung         N hanging connections held open while wrk runs: p99 and RSS per held connection
  suite        wall time of `meson test` and of the scenario library (with and without scaling)
  client       libesologs overhead against bare libcurl (needs bench-client-overhead)
  graphql      issue 10 item 9: eso-mock answering through the GraphQL engine against the
               ceiling, in interleaved rounds (with and without the request memo), first-seen
               documents (bench-gql) and idle RSS

Python standard library only. Every server started here is killed on exit; every load loop
is bounded in time and count; all traffic goes to 127.0.0.1.
"""

import argparse
import atexit
import datetime
import glob
import http.client
import json
import math
import os
import platform
import random
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
PEERS = os.path.join(BENCH, ".peers")
NODE_MODULES = os.path.join(PEERS, "node_modules")

SECTIONS = ["throughput", "fidelity", "ratelimit", "hung", "suite", "client", "graphql"]

# The request every server answers: the client's real getReportEvents document.
OPERATION = "getReportEvents"
VARIABLES = {"code": "a1B2c3D4e5F6g7H8"}
# The operation the hung-connection bench parks (a different one from the normal traffic).
HANG_OPERATION = "getGuildById"
TOKEN = "bench-token"

# Durations and counts. Quick mode is the CI smoke run (the whole bench under ~3 minutes).
FULL = {
    "wrk_s": 10, "wrk_runs": 3, "warmup_round_s": 5, "warmup_max_s": 150, "warmup_s": 3,
    "fidelity": [(0, 300), (100, 300), (1000, 300)], "concurrency": 50,
    "ratelimit_runs": 10, "hung": [0, 100, 1000, 4000, 16000], "hung_wrk_s": 10,
    "gql_rounds": 5, "gql_iterations": 2000,
}
QUICK = {
    "wrk_s": 3, "wrk_runs": 1, "warmup_round_s": 1, "warmup_max_s": 3, "warmup_s": 1,
    "fidelity": [(0, 100), (100, 100), (1000, 50)], "concurrency": 50,
    "ratelimit_runs": 2, "hung": [0, 100, 1000], "hung_wrk_s": 3,
    "gql_rounds": 1, "gql_iterations": 200,
}
WRK_THREADS = 2
WRK_CONNECTIONS = 64


def now_minutes():
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M")


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---- processes ---------------------------------------------------------------------------

_started = []


def _stop_all():
    for p in list(_started):
        stop_process(p)


def _on_signal(signum, frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def start_process(cmd, stdin=None, env=None, log_path=None):
    """Start @cmd in its own process group (so its children go with it); stdout is piped."""
    err = open(log_path, "ab") if log_path else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=err, env=env,
                         start_new_session=True, cwd=ROOT)
    if log_path:
        err.close()
    _started.append(p)
    return p


def stop_process(p):
    """SIGTERM the process group we started, then SIGKILL after 5 s."""
    if p in _started:
        _started.remove(p)
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=5)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if pred():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout_s} s waiting for {what}")


def http_request(port, method, path, body=None, headers=None, timeout=10):
    """One request on a fresh connection: (status, headers dict lower-case, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_busy(sample_s=1.0):
    """Share of the machine's CPU time spent busy over @sample_s seconds (0..1)."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    i0, t0 = snap()
    time.sleep(sample_s)
    i1, t1 = snap()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_quiet(what):
    """
    Before a measurement: wait (at most --wait-quiet seconds) until the rest of the machine
    is under 15% busy, and return the busy share seen, which the results record. Other work
    on a 2-CPU machine moves these numbers more than anything measured here.
    """
    deadline = time.monotonic() + CTX.args.wait_quiet
    busy = cpu_busy()
    while busy > 0.15 and time.monotonic() < deadline:
        log(f"  machine {busy * 100:.0f}% busy before {what}; waiting")
        time.sleep(4)
        busy = cpu_busy()
    return round(busy, 3)


def pin(cmd, cpus):
    """Prefix @cmd with taskset when pinning is on (BENCH_PIN=0 turns it off)."""
    if cpus and CTX.pin:
        return ["taskset", "-c", cpus] + cmd
    return cmd


# ---- context -----------------------------------------------------------------------------


class Context:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.cfg = QUICK if args.quick else FULL
        self.build = os.path.join(ROOT, args.build_dir)
        self.out = os.path.join(ROOT, args.out)
        os.makedirs(self.out, exist_ok=True)
        ncpu = os.cpu_count() or 1
        self.pin = os.environ.get("BENCH_PIN", "1") != "0" and ncpu >= 2 and bool(
            shutil.which("taskset"))
        self.server_cpus = os.environ.get("BENCH_SERVER_CPUS", "0")
        self.load_cpus = os.environ.get("BENCH_LOAD_CPUS", "1")
        self.eso_mock = os.path.join(self.build, "mock_server", "eso-mock")
        self.baseline = os.path.join(self.build, "bench", "bench-baseline-server")
        self.latency = os.path.join(self.build, "bench", "bench-latency")
        self.client_overhead = os.path.join(self.build, "bench", "bench-client-overhead")
        self.gql_bench = os.path.join(self.build, "bench", "bench-gql")
        self.request_path = os.path.join(self.out, "request.json")
        self.answer_path = os.path.join(self.out, "answer.json")
        self.hang_request_path = os.path.join(self.out, "hang-request.json")
        self.wrk_script = os.path.join(self.out, "post.lua")
        self.answer = None
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}


CTX = None


def prepare():
    """Write the request, the wrk script, and fetch the answer bytes every peer will serve."""
    with open(os.path.join(ROOT, "client", "queries", f"{OPERATION}.graphql")) as f:
        document = f.read()
    with open(CTX.request_path, "w") as f:
        json.dump({"query": document, "operationName": OPERATION, "variables": VARIABLES}, f,
                  separators=(",", ":"))
    hang_doc = f"query {HANG_OPERATION}($id: Int) {{ guildData {{ guild(id: $id) {{ id }} }} }}"
    with open(CTX.hang_request_path, "w") as f:
        json.dump({"query": hang_doc, "operationName": HANG_OPERATION,
                   "variables": {"id": 1}}, f, separators=(",", ":"))
    with open(CTX.wrk_script, "w") as f:
        f.write(WRK_LUA)
    srv = EsoMock(threads=2)
    try:
        srv.start()
        with open(CTX.request_path, "rb") as f:
            status, _, body = http_request(srv.port, "POST", "/api/v2/client", f.read(),
                                           CTX.headers)
        if status != 200:
            raise RuntimeError(f"eso-mock answered {status} to the bench request: {body[:200]}")
        CTX.answer = body
        with open(CTX.answer_path, "wb") as f:
            f.write(body)
    finally:
        srv.stop()
    log(f"request {os.path.getsize(CTX.request_path)} bytes, answer {len(CTX.answer)} bytes")


WRK_LUA = r"""
-- POST the bench request; print the numbers as one JSON line (WRKJSON) at the end.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    # user + nice + system: what processes use. Interrupt time is left out (the loopback
    # traffic of the run itself lands there, charged to no process); steal is not ours.
    return v[0] + v[1] + v[2], sum(v)


def process_ticks(pid):
    """CPU ticks (user + system, all threads) of process @pid so far; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return 0
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def children_ticks():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * CLOCK_TICK


def run_wrk(url, duration_s, body_path=None, connections=WRK_CONNECTIONS, server_pid=None):
    """
    One wrk run. With @server_pid, also the share of the machine's CPU that went to
    anything but that server and wrk during the run ("other_load"): other work on a
    2-CPU machine is the main source of noise, so every measured run says how much it got.
    """
    env = dict(os.environ, BENCH_BODY=body_path or CTX.request_path)
    cmd = pin(["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration_s}s", "--latency",
               "--timeout", "5s", "-s", CTX.wrk_script, url], CTX.load_cpus)
    busy0, total0 = machine_ticks()
    server0, wrk0 = (process_ticks(server_pid) if server_pid else 0), children_ticks()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration_s + 60)
    busy1, total1 = machine_ticks()
    server1, wrk1 = (process_ticks(server_pid) if server_pid else 0), children_ticks()
    others = (busy1 - busy0) - (server1 - server0) - (wrk1 - wrk0)
    other_load = max(0.0, others / max(1, total1 - total0)) if server_pid else None
    m = re.search(r"^WRKJSON (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({r.returncode}): {r.stderr.strip()} {r.stdout[-400:]}")
    d = json.loads(m.group(1))
    secs = d["duration_us"] / 1e6
    errors = sum(d["errors"].values())
    return {
        "rps": d["requests"] / secs if secs > 0 else 0.0,
        "requests": d["requests"],
        "p50_ms": d["latency_us"]["p50"] / 1000.0,
        "p90_ms": d["latency_us"]["p90"] / 1000.0,
        "p99_ms": d["latency_us"]["p99"] / 1000.0,
        "max_ms": d["latency_us"]["max"] / 1000.0,
        "errors": d["errors"],
        "error_total": errors,
        "bytes": d["bytes"],
        "other_load": other_load,
    }


def run_wrk_median(url, duration_s, runs, server_pid=None):
    """
    @runs wrk runs back to back; the one with the median req/s, plus every run's req/s
    ("runs_rps"). On this VM two identical 10 s runs differ by up to 15%, so one run is
    not a measurement.
    """
    results = [run_wrk(url, duration_s, server_pid=server_pid) for _ in range(runs)]
    ordered = sorted(results, key=lambda r: r["rps"])
    median = dict(ordered[len(ordered) // 2])
    median["runs_rps"] = [r["rps"] for r in results]
    loads = [r["other_load"] for r in results if r.get("other_load") is not None]
    if loads:
        median["other_load"] = max(loads)
    median["error_total"] = sum(r["error_total"] for r in results)
    return median


def warm_up(url):
    """
    wrk rounds until req/s stops rising: the best of the last three rounds is within 5% of
    the best before them (at least four rounds), or the budget is spent. The JVM needs this
    above all: pinned to one CPU, WireMock's JIT takes 40 to 60 s of load to reach its
    steady state. Quick runs just spend their small budget. Returns each round's req/s.
    """
    cfg = CTX.cfg
    rounds = []
    spent = 0
    while spent < cfg["warmup_max_s"]:
        rounds.append(run_wrk(url, cfg["warmup_round_s"])["rps"])
        spent += cfg["warmup_round_s"]
        if len(rounds) >= 4 and max(rounds[-3:]) <= max(rounds[:-3]) * 1.05:
            break
    return rounds


# ---- servers -----------------------------------------------------------------------------


class Server:
    """A server under test. Subclasses start it, and (where the tool can) set a delay."""
    name = "?"
    config = ""
    version = ""
    supports_delay = True

    def __init__(self):
        self.proc = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/api/v2/client"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def log_path(self):
        return os.path.join(CTX.out, f"{self.label()}.log")

    def label(self):
        return self.name + (f"-{self.variant}" if getattr(self, "variant", "") else "")

    def stop(self):
        if self.proc:
            stop_process(self.proc)
            self.proc = None

    def set_delay(self, ms):
        raise NotImplementedError

    def check_answer(self):
        """The bench request must get exactly the answer bytes, on a keep-alive connection."""
        with open(CTX.request_path, "rb") as f:
            status, headers, body = http_request(self.port, "POST", "/api/v2/client", f.read(),
                                                 CTX.headers)
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        if body != CTX.answer:
            problems.append(f"body differs ({len(body)} bytes, want {len(CTX.answer)})")
        if headers.get("connection", "").lower() == "close":
            problems.append("Connection: close")
        if "content-length" not in headers:
            problems.append("no Content-Length")
        if problems:
            raise RuntimeError(f"{self.label()}: wrong answer: {', '.join(problems)}")


class EsoMock(Server):
    name = "eso-mock"

    def __init__(self, threads=2, scenario=None, extra=(), binary=None, variant=None):
        super().__init__()
        self.threads = threads
        self.variant = variant or f"t{threads}"
        self.config = " ".join([f"--log none --threads {threads}"] + list(extra))
        self.scenario = scenario
        self.extra = list(extra)
        self.binary = binary

    def start(self):
        port_file = os.path.join(CTX.out, f"eso-mock-{os.getpid()}.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        cmd = [self.binary or CTX.eso_mock, "--port", "0", "--port-file", port_file, "--log",
               "none", "--threads", str(self.threads)] + self.extra
        if self.scenario:
            cmd += ["--scenario", self.scenario]
        self.proc = start_process(pin(cmd, CTX.server_cpus), log_path=self.log_path())
        wait_for(lambda: os.path.getsize(port_file) > 0, 10, "eso-mock's port file")
        with open(port_file) as f:
            self.port = int(f.read().strip())
        os.unlink(port_file)

    def set_delay(self, ms):
        if ms:
            scenario = {"name": f"bench-delay-{ms}", "rules": [{
                "match": {"operation": OPERATION},
                "script": [{"action": "delay", "delay_ms": ms}]}]}
            status, _, body = http_request(self.port, "POST", "/__admin/scenario",
                                           json.dumps(scenario).encode(),
                                           {"Content-Type": "application/json"})
        else:
            status, _, body = http_request(self.port, "DELETE", "/__admin/scenario")
        if status >= 300:
            raise RuntimeError(f"eso-mock refused the delay scenario: {status} {body[:300]}")

    def metric(self, name):
        _, _, body = http_request(self.port, "GET", "/__admin/metrics")
        m = re.search(rf"^{name} (\S+)$", body.decode(), re.M)
        return float(m.group(1)) if m else None


class Baseline(Server):
    name = "baseline"
    supports_delay = False

    def __init__(self, threads=2):
        super().__init__()
        self.threads = threads
        self.variant = f"t{threads}"
        self.config = f"libmicrohttpd, fixed bytes, {threads} threads"

    def start(self):
        port_file = os.path.join(CTX.out, f"baseline-{os.getpid()}.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        cmd = [CTX.baseline, "--body", CTX.answer_path, "--port-file", port_file,
               "--threads", str(self.threads)]
        self.proc = start_process(pin(cmd, CTX.server_cpus), log_path=self.log_path())
        wait_for(lambda: os.path.getsize(port_file) > 0, 10, "the baseline's port file")
        with open(port_file) as f:
            self.port = int(f.read().strip())
        os.unlink(port_file)


def wiremock_jar():
    jars = glob.glob(os.path.join(NODE_MODULES, "wiremock", "**", "wiremock-standalone-*.jar"),
                     recursive=True)
    return jars[0] if jars else None


def peer_version(package):
    try:
        with open(os.path.join(NODE_MODULES, package, "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


class WireMock(Server):
    name = "wiremock"
    # "A sensible --container-threads": enough for wrk's 64 connections and the 50 delayed
    # requests in flight at once, not hundreds of threads on two cores.
    TUNED = ["--no-request-journal", "--async-response-enabled", "true",
             "--container-threads", "64"]

    def __init__(self, tuned):
        super().__init__()
        self.tuned = tuned
        self.variant = "tuned" if tuned else ""
        self.config = (" ".join(self.TUNED) if tuned else "as shipped") + \
            "; stub sets Content-Length"
        self.version = peer_version("wiremock")

    def start(self):
        self.port = free_port()
        # WireMock creates mappings/ and __files/ under its root: keep them out of the tree.
        root_dir = os.path.join(CTX.out, self.label() + "-root")
        os.makedirs(root_dir, exist_ok=True)
        cmd = ["java", "-jar", wiremock_jar(), "--port", str(self.port), "--bind-address",
               "127.0.0.1", "--disable-banner", "--root-dir", root_dir] + \
            (self.TUNED if self.tuned else [])
        self.proc = start_process(pin(cmd, CTX.server_cpus), log_path=self.log_path())
        wait_for(lambda: http_request(self.port, "GET", "/__admin/mappings")[0] == 200, 90,
                 "WireMock")
        self.set_delay(0)

    def set_delay(self, ms):
        http_request(self.port, "POST", "/__admin/mappings/reset")
        response = {"status": 200, "body": CTX.answer.decode("utf-8"),
                    "headers": {"Content-Type": "application/json",
                                "Content-Length": str(len(CTX.answer))}}
        if ms:
            response["fixedDelayMilliseconds"] = ms
        mapping = {"request": {"method": "POST", "url": "/api/v2/client", "bodyPatterns": [{
            "equalToJson": {"operationName": OPERATION, "variables": VARIABLES},
            "ignoreExtraElements": True}]}, "response": response}
        status, _, body = http_request(self.port, "POST", "/__admin/mappings",
                                       json.dumps(mapping).encode(),
                                       {"Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"WireMock refused the mapping: {status} {body[:300]}")


class Mountebank(Server):
    name = "mountebank"
    config = "stub sets Connection: keep-alive and Content-Length; --loglevel warn"

    def __init__(self):
        super().__init__()
        self.version = peer_version("mountebank")
        self.admin_port = None

    def start(self):
        self.admin_port, self.port = free_port(), free_port()
        mb = os.path.join(NODE_MODULES, "mountebank", "bin", "mb")
        cmd = ["node", mb, "start", "--port", str(self.admin_port), "--host", "127.0.0.1",
               "--localOnly", "--nologfile", "--loglevel", "warn", "--pidfile",
               os.path.join(CTX.out, "mb.pid")]
        self.proc = start_process(pin(cmd, CTX.server_cpus), log_path=self.log_path())
        wait_for(lambda: http_request(self.admin_port, "GET", "/imposters")[0] == 200, 60,
                 "mountebank")
        imposter = {"protocol": "http", "port": self.port, "host": "127.0.0.1",
                    "recordRequests": False, "stubs": self._stubs(0)}
        status, _, body = http_request(self.admin_port, "POST", "/imposters",
                                       json.dumps(imposter).encode(),
                                       {"Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"mountebank refused the imposter: {status} {body[:300]}")

    def _stubs(self, ms):
        response = {"is": {"statusCode": 200, "body": CTX.answer.decode("utf-8"),
                           "headers": {"Content-Type": "application/json",
                                       "Content-Length": str(len(CTX.answer)),
                                       "Connection": "keep-alive"}}}
        if ms:
            response["_behaviors"] = {"wait": ms}
        return [{"predicates": [{"equals": {
            "method": "POST", "path": "/api/v2/client",
            "body": {"operationName": OPERATION, "variables": VARIABLES}}}],
            "responses": [response]}]

    def set_delay(self, ms):
        status, _, body = http_request(self.admin_port, "PUT", f"/imposters/{self.port}/stubs",
                                       json.dumps({"stubs": self._stubs(ms)}).encode(),
                                       {"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"mountebank refused the stubs: {status} {body[:300]}")


class Mockttp(Server):
    name = "mockttp"

    def __init__(self, record=True):
        super().__init__()
        self.record = record
        self.variant = "" if record else "norecord"
        self.config = ("explicit Content-Length" +
                       ("" if record else ", recordTraffic: false"))
        self.version = peer_version("mockttp")

    def start(self):
        self.port = free_port()
        script = os.path.join(BENCH, "peers", "mockttp_server.js")
        match = json.dumps({"operationName": OPERATION, "variables": VARIABLES})
        cmd = ["node", script, str(self.port), CTX.answer_path, match]
        if not self.record:
            cmd.append("--no-record")
        env = dict(os.environ, NODE_PATH=NODE_MODULES)
        self.proc = start_process(pin(cmd, CTX.server_cpus), stdin=subprocess.PIPE, env=env,
                                  log_path=self.log_path())
        line = self._read_line(30)
        if not line.startswith("listening"):
            raise RuntimeError(f"mockttp did not start: {line!r} (see {self.log_path()})")

    def _read_line(self, timeout_s):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(timeout_s):
                raise RuntimeError("mockttp did not answer")
        finally:
            sel.close()
        return self.proc.stdout.readline().decode().strip()

    def set_delay(self, ms):
        self.proc.stdin.write(f"delay {ms}\n".encode())
        self.proc.stdin.flush()
        line = self._read_line(10)
        if line != "ok":
            raise RuntimeError(f"mockttp: {line!r}")


def selected(servers):
    if not CTX.args.servers:
        return servers
    keep = {x.strip() for x in CTX.args.servers.split(",")}
    return [s for s in servers if s.label() in keep or s.name in keep]


def peers_installed():
    return bool(wiremock_jar()) and os.path.isdir(os.path.join(NODE_MODULES, "mountebank")) \
        and os.path.isdir(os.path.join(NODE_MODULES, "mockttp"))


# ---- 1. throughput -----------------------------------------------------------------------


def bench_servers(throughput, fidelity):
    """
    Sections 1 and 2 on one instance of each server: start it, check its answer, warm it
    up with wrk (see warm_up), then measure throughput, then the injected delays. Fidelity
    thus also runs on a warm JIT, which the JVM and node peers need to be judged fairly.
    """
    cfg = CTX.cfg
    servers = [EsoMock(2), EsoMock(4), Baseline(2), Baseline(4)]
    notes = []
    if peers_installed():
        servers += [WireMock(False), WireMock(True), Mountebank(), Mockttp(True),
                    Mockttp(False)]
    else:
        notes.append("peers not installed (bench/.peers): only eso-mock and the baseline ran")
    tp_rows, fid_rows = [], []
    for srv in selected(servers):
        if not throughput and not srv.supports_delay:
            continue
        log(f"{srv.label()}")
        ident = {"server": srv.name, "variant": getattr(srv, "variant", ""),
                 "config": srv.config}
        row = dict(ident, version=srv.version, busy_before=wait_quiet(srv.label()))
        try:
            srv.start()
            srv.check_answer()
            row["warmup_rps"] = warm_up(srv.url)
            if throughput:
                row.update(run_wrk_median(srv.url, cfg["wrk_s"], cfg["wrk_runs"], srv.pid))
                row["rss_kib"] = rss_kib(srv.pid)
                log(f"  {row['rps']:.0f} req/s p50 {row['p50_ms']:.2f} ms "
                    f"p99 {row['p99_ms']:.2f} ms")
            if fidelity and srv.supports_delay:
                fid_rows += measure_delays(srv, ident, row["busy_before"])
        except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError) as e:
            row["error"] = str(e)
            log(f"  {srv.label()} failed: {e}")
            if fidelity and srv.supports_delay and not any(
                    r["server"] == srv.name and r["variant"] == ident["variant"]
                    for r in fid_rows):
                fid_rows.append(dict(ident, error=str(e)))
        finally:
            srv.stop()
        if throughput:
            tp_rows.append(row)
    tp = fid = None
    if throughput:
        tp = throughput_section(tp_rows, notes)
    if fidelity:
        fid = {"rows": fid_rows, "notes": list(notes), "concurrency": cfg["concurrency"]}
    return tp, fid


def merge_rows(old, new):
    """@new's rows replace @old's rows of the same server and variant, in @old's order."""
    if old is None or new is None:
        return new
    key = lambda r: (r["server"], r.get("variant", ""))
    fresh = {}
    for r in new["rows"]:
        fresh.setdefault(key(r), []).append(r)
    rows, done = [], set()
    for r in old["rows"]:
        k = key(r)
        if k not in fresh:
            rows.append(r)
        elif k not in done:
            rows += fresh[k]
            done.add(k)
    rows += [r for k, rs in fresh.items() if k not in done for r in rs]
    merged = dict(new)
    merged["rows"] = rows
    return merged


def throughput_section(rows, notes):
    cfg = CTX.cfg

    def best(name):
        ok = [r for r in rows if r["server"] == name and "rps" in r and r["error_total"] == 0]
        return max(ok, key=lambda r: r["rps"]) if ok else None

    eso, ceiling = best("eso-mock"), best("baseline")
    for r in rows:
        if "rps" in r and eso:
            r["vs_eso_mock"] = r["rps"] / eso["rps"]
    summary = {}
    if eso:
        summary["eso_mock_best"] = eso["variant"]
    if ceiling:
        summary["ceiling_best"] = ceiling["variant"]
    if eso and ceiling:
        summary["eso_mock_vs_ceiling"] = eso["rps"] / ceiling["rps"]
    return {"wrk": {"threads": WRK_THREADS, "connections": WRK_CONNECTIONS,
                    "duration_s": cfg["wrk_s"], "runs": cfg["wrk_runs"],
                    "warmup_round_s": cfg["warmup_round_s"],
                    "warmup_max_s": cfg["warmup_max_s"]},
            "request_bytes": os.path.getsize(CTX.request_path),
            "answer_bytes": len(CTX.answer), "operation": OPERATION, "rows": rows,
            "summary": summary, "notes": notes}


# ---- 2. fault fidelity -------------------------------------------------------------------


def run_latency(url, n, c, body_path=None, timeout_ms=30000):
    cmd = pin([CTX.latency, "--url", url, "--body", body_path or CTX.request_path,
               "-n", str(n), "-c", str(c), "--timeout-ms", str(timeout_ms),
               "--max-seconds", "120",
               "-H", "Content-Type: application/json", "-H", f"Authorization: Bearer {TOKEN}"],
              CTX.load_cpus)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if not r.stdout.strip():
        raise RuntimeError(f"bench-latency failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


def measure_delays(srv, ident, busy):
    """Each configured delay through @srv: the error of every request's latency."""
    cfg = CTX.cfg
    rows = []
    for delay_ms, n in cfg["fidelity"]:
        srv.set_delay(delay_ms)
        res = run_latency(srv.url, n, cfg["concurrency"])
        row = dict(ident, delay_ms=delay_ms, requests=n, concurrency=cfg["concurrency"],
                   wall_s=res["wall_s"], status=res["status"],
                   transport_errors=res["transport_errors"], busy_before=busy)
        if "latency_ms" in res:
            lat = res["latency_ms"]
            row["latency_ms"] = lat
            row["error_ms"] = {k: lat[k] - delay_ms for k in ("min", "p50", "p99", "max")}
            # The least time n requests at this concurrency can take.
            row["ideal_wall_s"] = math.ceil(n / cfg["concurrency"]) * delay_ms / 1000
            e = row["error_ms"]
            log(f"  delay {delay_ms} ms: error p50 {e['p50']:.2f} p99 {e['p99']:.2f} "
                f"max {e['max']:.2f} ms, wall {res['wall_s']:.2f} s")
        rows.append(row)
    srv.set_delay(0)
    return rows


# ---- 2b. Retry-After and the points budget -----------------------------------------------


def bench_ratelimit():
    """
    A 5-point budget over a 3 s period. Each run resets the budget, waits a random time,
    spends the 5 points, and expects the 6th call to get 429 with Retry-After equal to
    ceil(seconds left in the period). The server's period starts somewhere inside the reset
    request and the 6th call is charged somewhere inside its own request, so the exact
    answer lies in [ceil(P - (b1 - a0)), ceil(P - (b0 - a1))]: usually one value.
    After waiting Retry-After seconds the next call must succeed.
    """
    period_s, budget = 3, 5
    runs = CTX.cfg["ratelimit_runs"]
    scenario = {"name": "bench-points", "rules": [], "settings": {"rate_limit": {
        "points_per_hour": budget, "period_s": period_s, "default_cost": 1,
        "retry_after": "reset"}}}
    path = os.path.join(CTX.out, "ratelimit-scenario.json")
    with open(path, "w") as f:
        json.dump(scenario, f)
    with open(CTX.request_path, "rb") as f:
        request = f.read()
    rng = random.Random(6)
    srv = EsoMock(2, scenario=path)
    results = []
    try:
        srv.start()
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)

        def call():
            conn.request("POST", "/api/v2/client", body=request, headers=CTX.headers)
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("Retry-After")

        for i in range(runs):
            a0 = time.monotonic()
            status, _, _ = http_request(srv.port, "POST", "/__admin/reset")
            a1 = time.monotonic()
            if status >= 300:
                raise RuntimeError(f"POST /__admin/reset answered {status}")
            time.sleep(rng.uniform(0, period_s - 0.5))
            statuses = [call()[0] for _ in range(budget)]
            b0 = time.monotonic()
            status6, retry_after = call()
            b1 = time.monotonic()
            lo = math.ceil(max(0.0, period_s - (b1 - a0)))
            hi = math.ceil(max(0.0, period_s - (b0 - a1)))
            ra = int(retry_after) if retry_after and retry_after.isdigit() else None
            ok = (all(s == 200 for s in statuses) and status6 == 429 and ra is not None
                  and lo <= ra <= hi)
            after = None
            if ra is not None:
                time.sleep(max(0.0, b1 + ra - time.monotonic()) + 0.01)
                after = call()[0]
                ok = ok and after == 200
            results.append({"run": i, "first_statuses": statuses, "status": status6,
                            "retry_after": retry_after, "expected": [lo, hi],
                            "seconds_left": period_s - (b0 + b1 - a0 - a1) / 2,
                            "after_wait": after, "exact": ok})
            log(f"ratelimit run {i}: {statuses} then {status6} Retry-After {retry_after} "
                f"(expected {lo}{'' if lo == hi else '..' + str(hi)}), after wait {after}: "
                f"{'ok' if ok else 'WRONG'}")
        conn.close()
    finally:
        srv.stop()
    exact = sum(1 for r in results if r["exact"])
    return {"budget": budget, "period_s": period_s, "runs": runs, "exact": exact,
            "results": results}


# ---- 3. hung connections -----------------------------------------------------------------


def hold_connections(port, n, body):
    """Open @n connections that each send the hanging request; return the sockets."""
    head = (f"POST /api/v2/client HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(head + body)
        socks.append(s)
    return socks


def count_closed(socks):
    """Held sockets the server has closed or answered (readable) by now."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    ready = sel.select(0)
    sel.close()
    return len(ready)


def bench_hung():
    cfg = CTX.cfg
    scenario = {"name": "bench-hang", "rules": [{
        "match": {"operation": HANG_OPERATION},
        "script": [{"action": "hang", "max_ms": 600000}]}]}
    path = os.path.join(CTX.out, "hang-scenario.json")
    with open(path, "w") as f:
        json.dump(scenario, f)
    with open(CTX.hang_request_path, "rb") as f:
        hang_body = f.read()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    rows = []
    notes = [f"open-files limit {soft} (hard {hard}); eso-mock runs with --max-connections "
             f"N + {WRK_CONNECTIONS + 256} (wrk holds {WRK_CONNECTIONS})"]
    for n in cfg["hung"]:
        if n + WRK_CONNECTIONS + 256 > soft:
            notes.append(f"N={n} skipped: open-files limit {soft}")
            continue
        log(f"hung: {n} held connections")
        srv = EsoMock(2, scenario=path,
                      extra=["--max-connections", str(n + WRK_CONNECTIONS + 256)])
        socks = []
        row = {"held": n, "busy_before": wait_quiet(f"{n} held")}
        try:
            srv.start()
            run_wrk(srv.url, cfg["warmup_s"])
            time.sleep(0.5)
            rss0 = rss_kib(srv.pid)
            t0 = time.monotonic()
            socks = hold_connections(srv.port, n, hang_body)
            wait_for(lambda: (srv.metric("esomock_waiting_connections") or 0) >= n, 60,
                     f"{n} parked connections")
            row["open_s"] = time.monotonic() - t0
            time.sleep(0.5)
            rss1 = rss_kib(srv.pid)
            row["rss_idle_kib"] = rss0
            row["rss_held_kib"] = rss1
            if n:
                row["rss_per_conn_kib"] = (rss1 - rss0) / n
            row.update(run_wrk_median(srv.url, cfg["hung_wrk_s"], cfg["wrk_runs"], srv.pid))
            row["rss_after_wrk_kib"] = rss_kib(srv.pid)
            row["waiting_after"] = srv.metric("esomock_waiting_connections")
            row["held_closed_early"] = count_closed(socks)
            log(f"  {row['rps']:.0f} req/s p99 {row['p99_ms']:.2f} ms; RSS {rss0} -> {rss1} KiB"
                + (f" ({row['rss_per_conn_kib']:.1f} KiB/conn)" if n else "")
                + f"; closed early {row['held_closed_early']}")
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            row["error"] = str(e)
            log(f"  failed: {e}")
        finally:
            for s in socks:
                s.close()
            srv.stop()
        rows.append(row)
    return {"rows": rows, "notes": notes, "wrk_s": cfg["hung_wrk_s"]}


# ---- 5. suite cost -----------------------------------------------------------------------


def timed(cmd, timeout_s, env=None):
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s,
                       env=env)
    return time.monotonic() - t0, r


def bench_suite():
    build_name = CTX.args.suite_build_dir
    build = os.path.join(ROOT, build_name)
    rows, notes = [], []
    full = not CTX.quick or "suite" in (CTX.args.only or [])
    if not full:
        notes.append("meson test skipped in --quick (use --only suite)")
    else:
        if not os.path.exists(os.path.join(build, "build.ninja")):
            log(f"suite: meson setup {build_name} (the project's defaults, as ci/build)")
            subprocess.run(["meson", "setup", build], cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
        # Built first and not timed: the cost measured is running the suite.
        r = subprocess.run(["ninja", "-C", build], cwd=ROOT, capture_output=True, text=True,
                           timeout=3600)
        if r.returncode != 0:
            last = [l for l in r.stdout.splitlines() if "error" in l.lower()][:1]
            notes.append(f"ninja -C {build_name} failed ({' '.join(last)[:200]}): "
                         "meson test skipped")
        else:
            log("suite: meson test")
            secs, r = timed(["meson", "test", "-C", build, "--no-rebuild", "--num-processes",
                             str(os.cpu_count() or 1)], 3600)
            counts = {k.lower(): int(v) for k, v in
                      re.findall(r"^(Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout):"
                                 r"\s+(\d+)", r.stdout, re.M) if int(v) > 0}
            rows.append({"what": f"meson test -C {build_name} (whole suite, "
                                 f"{os.cpu_count()} processes)",
                         "wall_s": secs, "exit": r.returncode, "counts": counts})
            log(f"  {secs:.1f} s, exit {r.returncode}, {counts}")
    runner = os.path.join(build, "harness", "eso-scenario")
    scenarios = sorted(f for f in glob.glob(os.path.join(ROOT, "scenarios", "*.json"))
                       if os.path.basename(f) != "schema.json")
    if not os.access(runner, os.X_OK):
        notes.append(f"{os.path.relpath(runner, ROOT)} not built: scenario library skipped")
    else:
        # The runner scales time by default (each scenario's expect.time_scale, else its
        # built-in factor); --time-scale 1 runs in real time. BENCH_TIME_SCALE forces a factor.
        scaled = ["--time-scale", os.environ["BENCH_TIME_SCALE"]] \
            if os.environ.get("BENCH_TIME_SCALE") else []
        runs = [("scaled", scaled), ("real time", ["--time-scale", "1"])]
        for label, extra in runs:
            if CTX.quick and label == "real time" and "suite" not in (CTX.args.only or []):
                notes.append("scenario library in real time skipped in --quick")
                continue
            log(f"suite: scenario library, {label}")
            secs, r = timed([runner, "run", "--quiet"] + extra + scenarios, 3600)
            what = " ".join(["eso-scenario run"] + (extra or ["(default scaling)"]))
            m = re.search(r"(\d+) passed, (\d+) failed", r.stdout)
            counts = {"passed": int(m.group(1)), "failed": int(m.group(2))} if m else {}
            rows.append({"what": f"{what} scenarios/*.json ({len(scenarios)} files)",
                         "wall_s": secs, "exit": r.returncode, "counts": counts})
            log(f"  {secs:.1f} s, exit {r.returncode}")
    return {"rows": rows, "notes": notes}


# ---- 4. client overhead ------------------------------------------------------------------


def bench_client():
    """Item 4: bench-client-overhead (bench/client_overhead.c), built when libesologs is."""
    if not os.access(CTX.client_overhead, os.X_OK):
        # TODO(issue 6, item 4): nothing to run until libesologs builds in this tree.
        return {"rows": [], "notes": ["TODO: bench-client-overhead is not built (libesologs "
                                      "did not build, or a sanitizer build); see bench/README.md"]}
    n = "300" if CTX.quick else "5000"
    batch = "300" if CTX.quick else "3000"
    # Pinned to one CPU, client thread and in-process server alike: each call is then a
    # same-CPU hand-over. Across two CPUs of this VM every call instead waits ~50 µs for an
    # idle vCPU to wake up, twice, which would swamp what is measured.
    r = subprocess.run(pin([CTX.client_overhead, "--body", CTX.request_path, "--calls", n,
                            "--batch", batch], CTX.load_cpus),
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0 or not r.stdout.strip():
        return {"rows": [], "notes": [f"bench-client-overhead failed ({r.returncode}): "
                                      f"{r.stderr.strip()[-300:]}"]}
    runs = [json.loads(r.stdout)]
    for _ in range(CTX.cfg["wrk_runs"] - 1):
        r = subprocess.run(pin([CTX.client_overhead, "--body", CTX.request_path, "--calls", n,
                                "--batch", batch], CTX.load_cpus),
                           capture_output=True, text=True, timeout=600)
        if r.returncode == 0 and r.stdout.strip():
            runs.append(json.loads(r.stdout))
    # The run whose eso_query / (POST + parse) ratio is the median, every run's beside it.
    runs.sort(key=lambda x: x["raw"]["ratio_parsed_p50"])
    result = runs[len(runs) // 2]
    result["runs_ratio_p50"] = [x["raw"]["ratio_parsed_p50"] for x in runs]
    if len(runs) > 1:
        result["notes"].append(
            f"{len(runs)} runs; shown: the median run by eso_query / (POST + parse) p50 ratio "
            "(all runs: " + ", ".join(f"{x:.2f}" for x in result["runs_ratio_p50"]) + ")")
    result["notes"].append("pinned to one CPU (client thread and in-process server): each "
                           "call is a same-CPU hand-over; unpinned on this idle VM every call "
                           "also waits ~50 µs twice for a sleeping vCPU to wake (bare POST "
                           "p50 ~140 µs)")
    return result


# ---- 6. GraphQL through the engine (issue 10, item 9) ---------------------------------------


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def bench_graphql():
    """
    eso-mock answering the bench request through the GraphQL engine (with its request memo,
    and without: every request parsed and executed), against the baseline, in interleaved
    rounds: each round runs every server once, so a busy spell of the shared machine hits
    them alike; the ratio is taken per round and its median reported, with the load average
    before each run. BENCH_BEFORE=PATH adds an older eso-mock binary (e.g. main's) as "before".
    Then bench-gql (first-seen documents) and eso-mock's RSS, idle and after the rounds.
    """
    cfg = CTX.cfg
    servers = [Baseline(2), EsoMock(2),
               EsoMock(2, extra=["--request-cache", "0"], variant="t2, no memo")]
    before = os.environ.get("BENCH_BEFORE")
    if before:
        servers.append(EsoMock(2, binary=before, variant="t2, before"))
    rows = {s.label(): {"server": s.name, "variant": s.variant, "config": s.config,
                        "runs": []} for s in servers}
    notes = []
    rss = {}
    try:
        for srv in servers:
            srv.start()
            if srv.name == "eso-mock" and srv.variant == "t2":
                rss["idle_kib"] = rss_kib(srv.pid)
            srv.check_answer()
            run_wrk(srv.url, cfg["warmup_round_s"])
        for rnd in range(cfg["gql_rounds"]):
            for srv in servers:
                load = loadavg()
                r = run_wrk(srv.url, cfg["wrk_s"], server_pid=srv.pid)
                r["loadavg"] = load
                r["round"] = rnd
                rows[srv.label()]["runs"].append(r)
                log(f"  round {rnd + 1} {srv.label()}: {r['rps']:.0f} req/s (load {load:.2f})")
        for srv in servers:
            if srv.name == "eso-mock" and srv.variant == "t2":
                rss["after_kib"] = rss_kib(srv.pid)
    finally:
        for srv in servers:
            srv.stop()
    base = rows[servers[0].label()]["runs"]
    for label, row in rows.items():
        runs = row["runs"]
        rps = sorted(r["rps"] for r in runs)
        row["rps_median"] = rps[len(rps) // 2] if rps else None
        row["p99_ms_median"] = sorted(r["p99_ms"] for r in runs)[len(runs) // 2] if runs else None
        ratios = sorted(r["rps"] / b["rps"] for r, b in zip(runs, base) if b["rps"] > 0)
        row["vs_baseline"] = ratios
        row["vs_baseline_median"] = ratios[len(ratios) // 2] if ratios else None
        row["errors"] = sum(r["error_total"] for r in runs)
        row["loadavg"] = [r["loadavg"] for r in runs]
    gql = {}
    if os.access(CTX.gql_bench, os.X_OK):
        r = subprocess.run(pin([CTX.gql_bench, os.path.join(ROOT, "mock_server", "schema",
                                                             "esologs.graphql"), ROOT,
                                os.path.join(ROOT, "tests", "conformance", "corpus.json"),
                                str(cfg["gql_iterations"]),
                                os.path.join(ROOT, "scenarios", "fixtures")], CTX.server_cpus),
                           capture_output=True, text=True, timeout=600)
        m = re.search(r"^all documents \(us\)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)",
                      r.stdout, re.M)
        if r.returncode == 0 and m:
            v = [float(x) for x in m.groups()]
            gql = {"generated_p50": v[0], "generated_p99": v[1], "warm_p50": v[2],
                   "warm_p99": v[3], "fixtures_p50": v[4], "fixtures_p99": v[5],
                   "loadavg": loadavg(), "iterations": cfg["gql_iterations"]}
        else:
            notes.append(f"bench-gql failed ({r.returncode}): {r.stderr.strip()[-200:]}")
    else:
        notes.append("bench-gql is not built")
    return {"rows": list(rows.values()), "gql": gql, "rss": rss, "notes": notes,
            "wrk": {"threads": WRK_THREADS, "connections": WRK_CONNECTIONS,
                    "duration_s": cfg["wrk_s"], "rounds": cfg["gql_rounds"]},
            "request_bytes": os.path.getsize(CTX.request_path), "answer_bytes": len(CTX.answer)}


# ---- machine, output ---------------------------------------------------------------------


def command_output(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    distro = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            distro = m.group(1) if m else ""
    java = command_output(["java", "-version"]).splitlines()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "distro": distro,
        "eso_mock": command_output([CTX.eso_mock, "--version"]),
        "libmicrohttpd": command_output(["pkg-config", "--modversion", "libmicrohttpd"]),
        "libcurl": command_output(["pkg-config", "--modversion", "libcurl"]),
        "cc": command_output(["cc", "--version"]).splitlines()[0:1],
        "wrk": command_output(["wrk", "--version"]).splitlines()[0:1],
        "java": java[0:1],
        "node": command_output(["node", "--version"]),
        "wiremock": peer_version("wiremock"),
        "mountebank": peer_version("mountebank"),
        "mockttp": peer_version("mockttp"),
        "pinning": (f"servers on CPU {CTX.server_cpus}, load generators on CPU "
                    f"{CTX.load_cpus} (taskset)") if CTX.pin else "none",
    }


def fmt(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def spread(row):
    runs = row.get("runs_rps") or []
    if len(runs) < 2:
        return "-"
    return f"{min(runs) / 1000:.1f}k–{max(runs) / 1000:.1f}k"


def pct(v):
    return "-" if v is None else f"{v * 100:.0f}%"


def table(header, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(header)]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(lines)


def busy_notes(rows, label):
    """A note naming the measurements taken while the rest of the machine was busy."""
    busy = [f"{label(r)} ({r['busy_before'] * 100:.0f}%)" for r in rows
            if (r.get("busy_before") or 0) > 0.15]
    if not busy:
        return []
    return ["measured while other work kept the machine busy (CPU busy share just before): "
            + ", ".join(busy)]


def measured(section):
    """The heading's ", measured DATE TIME", for a section that records it (--only runs
    keep the other sections of earlier runs)."""
    when = section.get("measured")
    return f", measured {when.replace('T', ' ')}" if when else ""


def render(results):
    """The results as Markdown (printed, and written to RESULTS.md)."""
    out = []
    s = results["sections"]
    t = s.get("throughput")
    if t:
        w = t["wrk"]
        out.append(f"### 1. Throughput and latency ({t['mode']} run{measured(t)})\n")
        out.append(f"wrk, {w['threads']} threads, {w['connections']} connections, "
                   f"{w.get('runs', 1)} × {w['duration_s']} s (the median run is shown, "
                   f"the range is every run's req/s), after a warm-up of {w['warmup_round_s']} s wrk rounds "
                   f"until req/s stops rising (at most {w['warmup_max_s']} s; the warm-up "
                   f"column says how long it took); the same "
                   f"{t['request_bytes']}-byte POST of `{t['operation']}` and the same "
                   f"{t['answer_bytes']}-byte answer from every server.\n")
        rows = []
        for r in t["rows"]:
            name = r["server"] + (f" ({r['variant']})" if r.get("variant") else "")
            if "error" in r:
                rows.append([name, r["config"], "failed: " + r["error"][:60], "", "", "", "", "",
                             "", "", ""])
                continue
            warm = r.get("warmup_rps", [])
            rows.append([name, r["config"], fmt(r["rps"], 0), spread(r), fmt(r["p50_ms"]),
                         fmt(r["p99_ms"]), fmt(r.get("vs_eso_mock")),
                         fmt(r.get("rss_kib", 0) / 1024, 1), fmt(r["error_total"]),
                         f"{len(warm) * w['warmup_round_s']} s", pct(r.get("other_load"))])
        out.append(table(["server", "configuration", "req/s", "range", "p50 ms", "p99 ms",
                          "× eso-mock", "RSS MiB", "errors", "warm-up", "others"], rows))
        sm = t["summary"]
        if "eso_mock_vs_ceiling" in sm:
            out.append(f"\neso-mock (best: {sm['eso_mock_best']}) reaches "
                       f"**{sm['eso_mock_vs_ceiling'] * 100:.0f}%** of the ceiling "
                       f"(baseline, best: {sm['ceiling_best']}).")
        notes = t.get("notes", []) + busy_notes(
            t["rows"], lambda r: r["server"] + (f" ({r['variant']})" if r.get("variant") else ""))
        out += [f"\n- {n}" for n in notes]
        out.append("")
    f = s.get("fidelity")
    if f:
        out.append(f"### 2. Fault fidelity: injected delays ({f['mode']} run{measured(f)})\n")
        out.append("Error = measured latency − injected delay, per request, measured by "
                   "bench-latency (libcurl CURLINFO_TOTAL_TIME_T, µs) at concurrency "
                   f"{f.get('concurrency', 50)}, on each server right after its throughput "
                   "run (so warm); wall = the whole batch (ideal: "
                   "⌈n/concurrency⌉ × delay).\n")
        rows = []
        for r in f["rows"]:
            name = r["server"] + (f" ({r['variant']})" if r.get("variant") else "")
            if "error" in r:
                rows.append([name, "failed: " + r["error"][:60], "", "", "", "", "", ""])
                continue
            e = r.get("error_ms", {})
            rows.append([name, r["delay_ms"], r["requests"], fmt(e.get("min")),
                         fmt(e.get("p50")), fmt(e.get("p99")), fmt(e.get("max")),
                         f"{r['wall_s']:.2f} / {r.get('ideal_wall_s', 0):.1f}"])
        out.append(table(["server", "delay ms", "n", "err min", "err p50", "err p99",
                          "err max", "wall s / ideal"], rows))
        seen, fr = set(), []
        for r in f["rows"]:
            key = r["server"] + r.get("variant", "")
            if key not in seen:
                seen.add(key)
                fr.append(r)
        notes = f.get("notes", []) + busy_notes(
            fr, lambda r: r["server"] + (f" ({r['variant']})" if r.get("variant") else ""))
        out += [f"\n- {n}" for n in notes]
        out.append("")
    rl = s.get("ratelimit")
    if rl:
        out.append(f"### 2b. Points budget and Retry-After ({rl['mode']} run{measured(rl)})\n")
        values = ", ".join(f"{r['retry_after']} (left {r['seconds_left']:.2f} s)"
                           for r in rl["results"])
        out.append(f"Budget {rl['budget']} points per {rl['period_s']} s; the 6th call after a "
                   f"reset and a random wait: **{rl['exact']}/{rl['runs']} runs exact** "
                   f"(429, Retry-After = ⌈seconds to reset⌉, and a 200 after waiting it). "
                   f"Retry-After values: {values}.\n")
    h = s.get("hung")
    if h:
        out.append(f"### 3. Hung connections ({h['mode']} run{measured(h)})\n")
        out.append(f"N connections parked by a `hang` step on `{HANG_OPERATION}` while wrk "
                   f"({WRK_THREADS} threads, {WRK_CONNECTIONS} connections, {h['wrk_s']} s) "
                   f"asks for `{OPERATION}`; eso-mock --threads 2. RSS per held connection = "
                   "(RSS with N held − RSS idle after warm-up) / N.\n")
        rows = []
        for r in h["rows"]:
            if "error" in r:
                rows.append([r["held"], "failed: " + r["error"][:60], "", "", "", "", "", "", ""])
                continue
            rows.append([r["held"], fmt(r["rps"], 0), spread(r), fmt(r["p50_ms"]),
                         fmt(r["p99_ms"]),
                         f"{r['rss_idle_kib'] / 1024:.1f} → {r['rss_held_kib'] / 1024:.1f}",
                         fmt(r.get("rss_per_conn_kib"), 1), r["held_closed_early"],
                         pct(r.get("other_load"))])
        out.append(table(["held", "req/s", "range", "p50 ms", "p99 ms", "RSS MiB idle → held",
                          "KiB / held conn", "held closed early", "others"], rows))
        notes = h.get("notes", []) + busy_notes(h["rows"], lambda r: f"N={r['held']}")
        out += [f"\n- {n}" for n in notes]
        out.append("")
    c = s.get("client")
    if c:
        out.append(f"### 4. Client overhead ({c['mode']} run{measured(c)})\n")
        if c.get("rows"):
            out.append(table(list(c["header"]), c["rows"]))
        out += [f"\n- {n}" for n in c.get("notes", [])]
        out.append("")
    su = s.get("suite")
    if su:
        out.append(f"### 5. Suite cost ({su['mode']} run{measured(su)})\n")
        rows = [[r["what"], fmt(r["wall_s"], 1), r["exit"],
                 ", ".join(f"{k} {v}" for k, v in r.get("counts", {}).items())]
                for r in su["rows"]]
        if rows:
            out.append(table(["command", "wall s", "exit", "results"], rows))
        out += [f"\n- {n}" for n in su.get("notes", [])]
        out.append("")
    g = s.get("graphql")
    if g:
        w = g["wrk"]
        out.append(f"### 6. GraphQL through the engine (issue 10, item 9; {g['mode']} run"
                   f"{measured(g)})\n")
        out.append(f"wrk, {w['threads']} threads, {w['connections']} connections, "
                   f"{w['rounds']} interleaved rounds of {w['duration_s']} s (each round runs "
                   f"every server once, in the order below); the {g['request_bytes']}-byte "
                   f"getReportEvents POST and its {g['answer_bytes']}-byte answer. "
                   f"\"× baseline\" is the median of the per-round ratios; the machine is "
                   f"shared, so the load average before each run is given.\n")
        rows = []
        for r in g["rows"]:
            name = r["server"] + (f" ({r['variant']})" if r.get("variant") else "")
            rows.append([name, r["config"], fmt(r.get("rps_median"), 0),
                         ", ".join(f"{x['rps'] / 1000:.1f}k" for x in r["runs"]),
                         fmt(r.get("vs_baseline_median")),
                         ", ".join(f"{x:.2f}" for x in r.get("vs_baseline", [])),
                         fmt(r.get("p99_ms_median")), fmt(r.get("errors")),
                         ", ".join(f"{x:.1f}" for x in r.get("loadavg", []))])
        out.append(table(["server", "configuration", "req/s (median)", "per round",
                          "× baseline", "per round", "p99 ms", "errors", "load average"],
                         rows))
        gq = g.get("gql") or {}
        if gq:
            out.append(f"\n- bench-gql, the 39 query documents first seen (parse, validate, "
                       f"coerce, execute; {gq['iterations']} times each, load average "
                       f"{gq['loadavg']:.1f}): p50 {gq['generated_p50']:.1f} µs, p99 "
                       f"**{gq['generated_p99']:.1f} µs** with generated data; through the "
                       f"fixture resolver as eso-mock answers them p50 {gq['fixtures_p50']:.1f} "
                       f"µs, p99 **{gq['fixtures_p99']:.1f} µs** (target: 100 µs p99); with the "
                       f"document cache warm p50 {gq['warm_p50']:.1f} µs, p99 "
                       f"{gq['warm_p99']:.1f} µs.")
        rs = g.get("rss") or {}
        if rs:
            out.append(f"- eso-mock's RSS with the schema and fixtures loaded: "
                       f"**{rs.get('idle_kib', 0) / 1024:.1f} MiB** idle, "
                       f"{rs.get('after_kib', 0) / 1024:.1f} MiB after the rounds (the journal's "
                       f"ring full: 10000 entries) (target: under 32 MiB).")
        out += [f"- {n}" for n in g.get("notes", [])]
        out.append("")
    for name in ("ratelimit", "suite", "client"):
        sec = s.get(name)
        if sec and (sec.get("busy_before") or 0) > 0.15:
            out.append(f"- {name}: measured while other work kept the machine "
                       f"{sec['busy_before'] * 100:.0f}% busy.")
    return "\n".join(out)


def write_results_md(results, path):
    m = results["machine"]
    head = [
        "# Benchmark results",
        "",
        "Generated by `ci/bench` (bench/bench.py); see [README.md](README.md) for what each",
        "section measures and how to read it. Regenerate with `ci/bench`.",
        "",
        f"- Date of the latest run: {results['date']} (each section says when it was measured)",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB RAM, "
        f"kernel {m['kernel']}, {m['distro']}",
        f"- Pinning: {m['pinning']}",
        f"- eso-mock: {m['eso_mock']} (release build); libmicrohttpd {m['libmicrohttpd']}, "
        f"libcurl {m['libcurl']}; {' '.join(m['cc'])}",
        f"- Peers: WireMock {m['wiremock']} (standalone jar from npm `wiremock`) on "
        f"{' '.join(m['java'])}; mountebank {m['mountebank']} and mockttp {m['mockttp']} on "
        f"node {m['node']}",
        f"- Load: {' '.join(m['wrk'])}; bench-latency (libcurl multi)",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(head) + "\n" + render(results) + "\n")


def main():
    global CTX
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short runs (CI smoke, < 3 minutes)")
    ap.add_argument("--only", action="append", help="run only these sections (comma list)")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build-bench"))
    ap.add_argument("--suite-build-dir", default=os.environ.get("SUITE_BUILD_DIR", "build"))
    ap.add_argument("--servers", help="throughput/fidelity: only these servers (comma list of "
                    "labels, e.g. eso-mock-t2,wiremock-tuned)")
    ap.add_argument("--wait-quiet", type=float, default=None,
                    help="seconds to wait for an idle machine before each measurement "
                    "(default 300, quick 0)")
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--no-results-md", action="store_true",
                    help="do not rewrite bench/RESULTS.md (quick runs never do)")
    args = ap.parse_args()
    if args.only:
        args.only = [x.strip() for o in args.only for x in o.split(",") if x.strip()]
        bad = [x for x in args.only if x not in SECTIONS]
        if bad:
            ap.error(f"unknown section {', '.join(bad)} (one of {', '.join(SECTIONS)})")
    if args.wait_quiet is None:
        args.wait_quiet = 0 if args.quick else 300
    CTX = Context(args)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    for exe in (CTX.eso_mock, CTX.baseline, CTX.latency):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench: {exe} is missing: build first (ci/build, BUILD_DIR={args.build_dir})")
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is missing (apt-get install wrk, or ci/bootstrap bench)")

    prepare()
    wanted = args.only or SECTIONS
    funcs = {"ratelimit": bench_ratelimit, "hung": bench_hung, "suite": bench_suite,
             "client": bench_client, "graphql": bench_graphql}
    mode = "quick" if args.quick else "full"
    # results.json is the latest run, quick or full; results.MODE.json keeps each mode's
    # sections so that --only and --servers add to the last run of their own mode.
    json_path = os.path.join(CTX.out, "results.json")
    state_path = os.path.join(CTX.out, f"results.{mode}.json")
    results = {"sections": {}}
    if os.path.exists(state_path):
        try:
            with open(state_path) as f:
                results = json.load(f)
        except ValueError:
            pass
    # A run replaces the sections it ran; sections of another mode are dropped, so one
    # results.json never mixes quick and full numbers.
    previous = {k: v for k, v in results.get("sections", {}).items() if v.get("mode") == mode}
    results["sections"] = {k: v for k, v in previous.items() if k not in wanted}
    t_start = time.monotonic()
    if "throughput" in wanted or "fidelity" in wanted:
        t0 = time.monotonic()
        tp, fid = bench_servers("throughput" in wanted, "fidelity" in wanted)
        if args.servers:
            # Re-measuring some servers: their rows replace the same servers' rows of the
            # last run, the others stay.
            tp, fid = merge_rows(previous.get("throughput"), tp), \
                merge_rows(previous.get("fidelity"), fid)
            if tp is not None:
                tp = throughput_section(tp["rows"], tp.get("notes", []))
        for name, sec in (("throughput", tp), ("fidelity", fid)):
            if sec is not None:
                sec["mode"] = mode
                sec["seconds"] = time.monotonic() - t0
                sec["measured"] = now_minutes()
                results["sections"][name] = sec
    for name in SECTIONS:
        if name not in wanted or name not in funcs:
            continue
        t0 = time.monotonic()
        busy = wait_quiet(name) if name in ("ratelimit", "suite", "client") else None
        try:
            sec = funcs[name]()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            log(f"{name} failed: {e}")
            sec = {"rows": [], "error": str(e), "notes": [f"section failed: {e}"]}
        sec["mode"] = mode
        sec["seconds"] = time.monotonic() - t0
        sec["measured"] = now_minutes()
        if busy is not None:
            sec["busy_before"] = busy
        results["sections"][name] = sec
    results["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"] = machine()
    results["mode"] = mode
    for path in (state_path, json_path):
        with open(path, "w") as f:
            json.dump(results, f, indent=2)
    text = render(results)
    print(text)
    md = os.path.join(CTX.out, "RESULTS.quick.md") if args.quick or args.no_results_md \
        else os.path.join(BENCH, "RESULTS.md")
    write_results_md(results, md)
    log(f"done in {time.monotonic() - t_start:.0f} s; JSON: {os.path.relpath(json_path, ROOT)}, "
        f"Markdown: {os.path.relpath(md, ROOT)}")


if __name__ == "__main__":
    main()
