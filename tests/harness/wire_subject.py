#!/usr/bin/env python3
"""A scripted client for the wire judge's tests: an eso-adapter/1 adapter whose every
behaviour (attempts, waits, growth, jitter, Retry-After, deadline, breaker, tokens, pacing,
concurrency) is set on its command line, so one test can make it meet an expectation and
the next break it. Standard library only; times in scenario seconds (ESO_TIME_SCALE)."""
import argparse
import base64
import email.utils
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request

p = argparse.ArgumentParser()
p.add_argument("--attempts", type=int, default=1)
p.add_argument("--retry-on", default="5xx,429,timeout,connection")
p.add_argument("--wait", type=float, default=0.2)
p.add_argument("--growth", type=float, default=1.0)
p.add_argument("--jitter", type=float, default=0.0)
p.add_argument("--honour-retry-after", action="store_true")
p.add_argument("--timeout", type=float, default=5.0)
p.add_argument("--deadline", type=float, default=0.0)
p.add_argument("--breaker", default="")  # THRESHOLD,COOLDOWN_S,REOPEN(1/0)
p.add_argument("--token", default="once")  # once, per-call, refresh, proactive
p.add_argument("--pace", type=float, default=0.0)
p.add_argument("--concurrency", type=int, default=1)
p.add_argument("--no-request-id", action="store_true")
args = p.parse_args()

ENV = os.environ
random.seed(1)  # the same draws every run
SCALE = float(ENV.get("ESO_TIME_SCALE", "1"))
RETRY_ON = set(args.retry_on.split(","))
lock = threading.Lock()
out_lock = threading.Lock()


class Failure(Exception):
    def __init__(self, cls, status=0, retry_after=None):
        super().__init__(cls)
        self.cls, self.status, self.retry_after = cls, status, retry_after


def scaled_sleep(seconds):
    if seconds > 0:
        time.sleep(seconds * SCALE)


class Token:
    def __init__(self):
        self.value, self.expires = None, 0.0

    def get(self, fresh=False):
        with lock:
            now = time.monotonic()
            expired = args.token == "proactive" and now >= self.expires
            if fresh or self.value is None or expired or args.token == "per-call":
                basic = base64.b64encode(f"{ENV['ESOLOGS_ID']}:{ENV['ESOLOGS_SECRET']}".encode())
                req = urllib.request.Request(
                    ENV["ESOLOGS_TOKEN_URL"], data=b"grant_type=client_credentials",
                    method="POST", headers={"Authorization": "Basic " + basic.decode(),
                                            "Content-Type": "application/x-www-form-urlencoded"})
                with urllib.request.urlopen(req, timeout=args.timeout * SCALE) as resp:
                    answer = json.load(resp)
                self.value = answer["access_token"]
                # Renew at 80 % of the lifetime, in real time.
                self.expires = now + 0.8 * answer.get("expires_in", 3600) * SCALE
            return self.value


token = Token()


class Breaker:
    def __init__(self, spec):
        parts = spec.split(",") if spec else []
        self.on = bool(parts)
        self.threshold = int(parts[0]) if parts else 0
        self.cooldown = float(parts[1]) if parts else 0
        self.reopen = parts[2] == "1" if parts else False
        self.failures, self.open_until, self.half_open = 0, 0.0, False

    def allow(self):
        with lock:
            if not self.on:
                return True
            now = time.monotonic()
            if self.open_until > now:
                return False
            if self.open_until > 0:
                self.open_until, self.half_open = 0.0, True
            return True

    def record(self, ok):
        with lock:
            if not self.on:
                return
            if ok:
                self.failures, self.half_open = 0, False
                return
            self.failures += 1
            if (self.half_open and self.reopen) or (not self.half_open
                                                     and self.failures >= self.threshold):
                self.open_until = time.monotonic() + self.cooldown * SCALE
            if self.half_open and not self.reopen:
                self.failures = 0
            self.half_open = False


breaker = Breaker(args.breaker)
last_request = [0.0]


def retry_after_seconds(value):
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value).timestamp()
        return max(0.0, when - time.time())


def send(call, tok, timeout):
    if args.pace > 0:
        with lock:
            wait = last_request[0] + args.pace * SCALE - time.monotonic()
            last_request[0] = max(time.monotonic(), last_request[0] + args.pace * SCALE)
        if wait > 0:
            time.sleep(wait)
    headers = {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"}
    if not args.no_request_id:
        headers["X-Request-Id"] = call["request_id"]
    body = json.dumps({"query": call["document"], "operationName": call["operation"],
                       "variables": call.get("variables") or {}}).encode()
    req = urllib.request.Request(ENV["ESOLOGS_API_URL"], data=body, method="POST",
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=max(timeout, 0.001) * SCALE) as resp:
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        cls = "5xx" if e.code >= 500 else str(e.code)
        raise Failure(cls, e.code, retry_after_seconds(e.headers.get("Retry-After"))) from e
    except (TimeoutError, urllib.error.URLError) as e:
        timed_out = isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None),
                                                              TimeoutError)
        raise Failure("timeout" if timed_out else "connection") from e
    except (OSError, ValueError) as e:
        raise Failure("connection") from e
    if answer.get("errors"):
        raise Failure("graphql")
    return answer.get("data")


def run(call):
    started = time.monotonic()
    wait, refreshed = args.wait, False
    attempt = 0
    while True:
        attempt += 1
        if not breaker.allow():
            return {"ok": False, "error": {"class": "breaker_open", "message": "open"}}
        left = args.timeout
        if args.deadline > 0:
            left = min(left, args.deadline - (time.monotonic() - started) / SCALE)
            if left <= 0:
                return {"ok": False, "error": {"class": "deadline", "message": "deadline"}}
        try:
            data = send(call, token.get(), left)
            breaker.record(True)
            return {"ok": True, "data": data}
        except Failure as f:
            if f.cls not in ("400", "401", "404", "graphql", "429"):  # the server's health
                breaker.record(False)
            if f.cls == "401" and args.token in ("refresh", "proactive") and not refreshed:
                refreshed = True
                token.get(fresh=True)
                attempt -= 1
                continue
            if f.cls not in RETRY_ON or attempt >= args.attempts:
                return {"ok": False, "error": {"class": f.cls, "message": str(f.status)}}
            pause = wait * (1 + random.uniform(-args.jitter, args.jitter))
            if args.honour_retry_after and f.retry_after is not None:
                pause = max(pause, f.retry_after)
            if args.deadline > 0 and (time.monotonic() - started) / SCALE + pause > args.deadline:
                return {"ok": False, "error": {"class": "deadline", "message": "deadline"}}
            scaled_sleep(pause)
            wait *= args.growth


def answer(call):
    result = {"type": "result", "call": call["call"]}
    try:
        result.update(run(call))
    except Exception as e:  # still an answer
        result.update(ok=False, error={"class": "error", "message": repr(e)})
    with out_lock:
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


slots = threading.Semaphore(args.concurrency)
threads = []
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        sys.stdout.write(json.dumps({"type": "ready", "protocol": "eso-adapter/1"}) + "\n")
        sys.stdout.flush()
    elif msg["type"] == "call":
        def work(call=msg):
            with slots:
                answer(call)
        t = threading.Thread(target=work)
        t.start()
        threads.append(t)
        if args.concurrency == 1:
            t.join()
for t in threads:
    t.join()
