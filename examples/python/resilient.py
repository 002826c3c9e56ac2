#!/usr/bin/env python3
"""An ESO Logs client built from the seed guide's patterns, as an eso-adapter/1 adapter.

"Resilience and Retry Patterns" (esologs-python), as the guide shows them and no more:
retry_with_backoff (3 attempts, 1 s, doubling) made selective as the guide does (timeouts
only), its rate-limit handling (a 429: wait 5 s, try once more; 0.5 s between requests),
its CircuitBreaker (5 failures, 60 s) around each call, the resilient client's 60 s timeout.
The guide says nothing of Retry-After, jitter, deadlines or token refresh: neither does this.

    eso-scenario conform --client-cmd 'python3 examples/python/resilient.py'
"""
import base64
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.request

API_URL = os.environ["ESOLOGS_API_URL"]
TOKEN_URL = os.environ["ESOLOGS_TOKEN_URL"]
CLIENT_ID = os.environ["ESOLOGS_ID"]
CLIENT_SECRET = os.environ["ESOLOGS_SECRET"]
SCALE = float(os.environ.get("ESO_TIME_SCALE", "1"))  # every wait and timeout scales alike
TIMEOUT = max(60.0 * SCALE, 0.5)  # create_resilient_client(timeout=60.0); 0.5 s at least


class CallError(Exception):
    def __init__(self, cls, message, status=0):
        super().__init__(message)
        self.cls, self.status = cls, status


def sleep(seconds):
    time.sleep(seconds * SCALE)


def retry_with_backoff(func, max_attempts=3, initial_delay=1.0, retry_on=("timeout",)):
    """The guide's basic pattern, selective as its second example is."""
    delay = initial_delay
    for attempt in range(max_attempts):
        try:
            return func()
        except CallError as e:
            if e.cls not in retry_on or attempt == max_attempts - 1:
                raise
            sleep(delay)
            delay *= 2  # exponential backoff


class CircuitBreaker:
    """The guide's breaker: open after failure_threshold failures, closed again after timeout."""

    def __init__(self, failure_threshold=5, timeout=60.0):
        self.failure_threshold, self.timeout = failure_threshold, timeout * SCALE
        self.failure_count, self.last_failure_time, self.is_open = 0, None, False

    def call(self, func):
        if self.is_open:
            if time.monotonic() - self.last_failure_time > self.timeout:
                self.is_open, self.failure_count = False, 0
            else:
                raise CallError("breaker_open", "Circuit breaker is open")
        try:
            result = func()
            self.failure_count = 0
            return result
        except CallError:
            self.failure_count += 1
            self.last_failure_time = time.monotonic()
            if self.failure_count >= self.failure_threshold:
                self.is_open = True
            raise


def fetch_token():
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    req = urllib.request.Request(
        TOKEN_URL, data=b"grant_type=client_credentials", method="POST",
        headers={"Authorization": f"Basic {basic}",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        return json.load(resp)["access_token"]


def post(token, call):
    body = json.dumps({"query": call["document"], "operationName": call["operation"],
                       "variables": call.get("variables") or {}}).encode()
    req = urllib.request.Request(
        API_URL, data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "X-Request-Id": call["request_id"]})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise CallError(f"http_{e.code}", f"HTTP {e.code}", e.code) from e
    except (TimeoutError, urllib.error.URLError) as e:
        timed_out = isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None),
                                                              TimeoutError)
        raise CallError("timeout" if timed_out else "connection", str(e)) from e
    except (OSError, http.client.HTTPException) as e:  # dropped, reset, a body cut short
        raise CallError("connection", repr(e)) from e
    except ValueError as e:
        raise CallError("malformed", str(e)) from e
    if answer.get("errors"):
        raise CallError("graphql_error", answer["errors"][0].get("message", ""))
    return answer.get("data")


def with_rate_limit(func):
    """The guide's "Handle Rate Limiting": on a 429 wait 5 s and try once more."""
    try:
        return func()
    except CallError as e:
        if e.status != 429:
            raise
        sleep(5.0)
        return func()


def main():
    breaker, token, out, next_request = CircuitBreaker(), None, sys.stdout, 0.0
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["type"] == "hello":
            try:  # at start, as esologs-python's client does; again on a call if it failed
                token = fetch_token()
            except Exception:
                token = None
            out.write(json.dumps({"type": "ready", "protocol": "eso-adapter/1",
                                  "client": "python-seed-guide"}) + "\n")
        elif msg["type"] == "call":
            result = {"type": "result", "call": msg["call"]}
            try:
                time.sleep(max(0.0, next_request - time.monotonic()))
                if token is None:
                    token = fetch_token()  # once, as get_access_token() in the guide
                data = breaker.call(lambda: retry_with_backoff(
                    lambda: with_rate_limit(lambda: post(token, msg))))
                result.update(ok=True, data=data)
                # "Delay between requests to avoid rate limiting": 0.5 s before the next one.
                next_request = time.monotonic() + 0.5 * SCALE
            except CallError as e:
                result.update(ok=False, error={"class": e.cls, "message": str(e)})
            except Exception as e:
                result.update(ok=False, error={"class": "error", "message": repr(e)})
            out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
