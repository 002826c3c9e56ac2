#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, generated from the tree at run time (not committed).

    fuzz/seeds.py OUT_BASE      writes OUT_BASE-<target>/seed-* for every target

graphql-request  each client/queries/*.graphql as the request body a client sends:
                 {"query": ..., "operationName": ..., "variables": {}}
graphql-document each document of tests/conformance/corpus.json and client/queries/*.graphql as
                 DOCUMENT NUL VARIABLES-JSON
client-answer    each scenarios/fixtures/*.json answer, and each body a scenario responds
                 with, behind the target's status byte; each Retry-After a scenario sends
client-token     each body a scenario answers the token endpoint with, and a good answer
client-text      error bodies and curl messages holding secrets (client_secret=, access_token,
                 Bearer/Basic credentials) and UTF-8 cut mid-character, each in a few buffer
                 sizes, as <size byte> SECRET NUL TEXT
scenario         (ci/fuzz copies scenarios/*.json itself)
"""
import glob
import json
import os
import sys

# fuzz_client_answer.c: the first input byte picks the status from this table.
ANSWER_STATUSES = [200, 200, 200, 400, 401, 404, 429, 500, 502, 503, 504, 301]

# fuzz_client_text.c: the first input byte picks the buffer size from this table (SIZES).
TEXT_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 19, 20, 24, 31, 32, 40, 64,
              100, 128, 255, 256, 257, 512, 1023, 1024, 1025, 2048]

JWT = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiI5YjFjMmQzZSIsImp0aSI6ImFiYzEyMyIsInNj"
       "b3BlcyI6W119.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
CLIENT_SECRET = "s3cr3t-Zx9q81LkWmPa0vR2"

# (name, secret, text): what a detail string may hold when it reaches the scrubbers.
TEXT_SEEDS = [
    ("client-secret-form", CLIENT_SECRET,
     f"token endpoint said 400: grant_type=client_credentials&client_id=9b1c2d3e&client_secret="
     f"{CLIENT_SECRET}&scope= rejected"),
    ("client-secret-json", CLIENT_SECRET,
     '{"error":"invalid_client","error_description":"Client authentication failed",'
     f'"client_secret":"{CLIENT_SECRET}"}}'),
    ("access-token-json", JWT,
     f'{{"token_type":"Bearer","expires_in":3600,"access_token":"{JWT}"}}'),
    ("access-token-colon", JWT, f"cached access_token:{JWT} expired; refreshing"),
    ("bearer-bracket", "", f"curl: (22) header [Authorization: Bearer {JWT}] rejected"),
    ("bearer-lowercase", "", f"authorization: bearer {JWT}&retry=1"),
    ("bearer-twice", JWT,
     f'access_token={JWT} sent as "Authorization: Bearer {JWT}"; then Bearer '
     "0123456789abcdefABCDEF retried"),
    ("bearer-prose", "", "a bearer token is required; Bearer realm=\"esologs\" error=invalid"),
    ("basic", "", "401 for Authorization: Basic OWIxYzJkM2U6czNjcjN0LVp4OXE4MUxrV21QYTB2UjI="),
    ("eight-char-secret", "hunter42", "pw hunter42, again hunter42"),
    ("short-secret-words", "t0k", "t0k rejected, t0ken and at0k stay, (t0k) and id:t0k go"),
    ("graphql-error", JWT,
     '{"errors":[{"message":"Unauthenticated. Token ' + JWT[:40] + '","locations":[]}]}'),
    ("utf8-cut-2", "", "Fehler: ung\u00fcltiger Schl\u00fcssel \u00fc".encode()[:-1]),
    ("utf8-cut-3", "", "Preis 20 \u20ac".encode()[:-1]),
    ("utf8-cut-4", CLIENT_SECRET,
     ("secret " + CLIENT_SECRET + " \U0001F600\U0001F600").encode()[:-2]),
    ("utf8-invalid", "", b"bad \xc0\xaf overlong, \xed\xa0\x80 surrogate, \xf5\x80 high, \xff"),
    ("utf8-mixed", "p\u00e4ssw\u00f6rd-\u00e9t\u00e9-2024",
     "login p\u00e4ssw\u00f6rd-\u00e9t\u00e9-2024 refus\u00e9 \u2014 r\u00e9essayez"),
]


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def status_byte(status):
    return bytes([ANSWER_STATUSES.index(status) if status in ANSWER_STATUSES else 0])


def as_text(body):
    return body if isinstance(body, str) else json.dumps(body)


def scenario_steps():
    """(file stem, rule match, step) for every script step of the scenario library."""
    for path in sorted(glob.glob("scenarios/*.json")):
        if os.path.basename(path) == "schema.json":
            continue
        with open(path) as f:
            scenario = json.load(f)
        stem = os.path.splitext(os.path.basename(path))[0]
        for rule in scenario.get("rules", []):
            for step in rule.get("script", []):
                yield stem, rule.get("match", {}), step


def main(out_base):
    counts = {}

    def seed(target, name, data):
        write(f"{out_base}-{target}", f"seed-{name}", data)
        counts[target] = counts.get(target, 0) + 1

    for path in sorted(glob.glob("client/queries/*.graphql")):
        operation = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            query = f.read()
        body = {"query": query, "operationName": operation, "variables": {}}
        seed("graphql-request", f"query-{operation}.json", json.dumps(body))

    with open("tests/conformance/corpus.json") as f:
        corpus = json.load(f)
    for case in corpus:
        if "file" in case:
            with open(case["file"]) as f:
                document = f.read()
        else:
            document = case["query"]
        variables = json.dumps(case.get("variables", {}))
        seed("graphql-document", f"{case['name']}.graphql",
             document.encode() + b"\0" + variables.encode())

    for path in sorted(glob.glob("scenarios/fixtures/*.json")):
        with open(path) as f:
            fixture = json.load(f)
        answer = fixture.get("response", fixture) if isinstance(fixture, dict) else fixture
        name = os.path.splitext(os.path.basename(path))[0]
        seed("client-answer", f"fixture-{name}", status_byte(200) + json.dumps(answer).encode())

    seed("client-token", "issued.json",
         '{"token_type":"Bearer","expires_in":3600,"access_token":"' + "a" * 40 + '"}')
    for i, (stem, match, step) in enumerate(scenario_steps()):
        headers = step.get("headers", {})
        for key, value in headers.items():
            if key.lower() == "retry-after":
                seed("client-answer", f"{stem}-{i}-retry-after", status_byte(429) + value.encode())
        if "body" not in step:
            continue
        status = step.get("status", 200)
        body = as_text(step["body"])
        if match.get("path") == "/oauth/token":
            seed("client-token", f"{stem}-{i}.json", body)
        else:
            seed("client-answer", f"{stem}-{i}", status_byte(status) + body.encode())

    for name, secret, text in TEXT_SEEDS:
        text = text if isinstance(text, bytes) else text.encode()
        for size in (256, 1024, 32, 17, 9):
            seed("client-text", f"{name}-{size}",
                 bytes([TEXT_SIZES.index(size)]) + secret.encode() + b"\0" + text)

    for target in sorted(counts):
        print(f"fuzz/seeds.py: {counts[target]} seeds for {target}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
