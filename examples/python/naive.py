#!/usr/bin/env python3
"""A naive ESO Logs client, as an eso-adapter/1 adapter (docs/harness.md).

What esologs-python does by default: one request per call and no retry, a client-credentials
token fetched once and never refreshed, httpx's default 5 s timeout. Standard library only.

    eso-scenario conform --client-cmd 'python3 examples/python/naive.py'
"""
import base64
import http.client
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

API_URL = os.environ["ESOLOGS_API_URL"]
TOKEN_URL = os.environ["ESOLOGS_TOKEN_URL"]
CLIENT_ID = os.environ["ESOLOGS_ID"]
CLIENT_SECRET = os.environ["ESOLOGS_SECRET"]
# eso-scenario runs scenarios faster than real time; every wait and timeout scales alike.
SCALE = float(os.environ.get("ESO_TIME_SCALE", "1"))
# Never below 0.5 s of real time: on a loaded machine a normal answer is not a timeout.
TIMEOUT = max(5.0 * SCALE, 0.5)


class CallError(Exception):
    def __init__(self, cls, message):
        super().__init__(message)
        self.cls = cls


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
        raise CallError(f"http_{e.code}", f"HTTP {e.code}") from e
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


def main():
    token = None
    out = sys.stdout
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["type"] == "hello":
            try:  # at start, as esologs-python's client does; again on a call if it failed
                token = fetch_token()
            except Exception:
                token = None
            out.write(json.dumps({"type": "ready", "protocol": "eso-adapter/1",
                                  "client": "python-naive"}) + "\n")
        elif msg["type"] == "call":
            result = {"type": "result", "call": msg["call"]}
            try:
                if token is None:
                    token = fetch_token()
                result.update(ok=True, data=post(token, msg))
            except CallError as e:
                result.update(ok=False, error={"class": e.cls, "message": str(e)})
            except Exception as e:  # the token fetch, or anything else: still an answer
                result.update(ok=False, error={"class": "error", "message": repr(e)})
            out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
