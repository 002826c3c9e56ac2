#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, generated from the tree at run time (not committed).

    fuzz/seeds.py OUT_BASE      writes OUT_BASE-<target>/seed-* for every target

graphql-request  each client/queries/*.graphql as the request body a client sends:
                 {"query": ..., "operationName": ..., "variables": {}}
client-answer    each scenarios/fixtures/*.json answer, and each body a scenario responds
                 with, behind the target's status byte; each Retry-After a scenario sends
client-token     each body a scenario answers the token endpoint with, and a good answer
scenario         (ci/fuzz copies scenarios/*.json itself)
"""
import glob
import json
import os
import sys

# fuzz_client_answer.c: the first input byte picks the status from this table.
ANSWER_STATUSES = [200, 200, 200, 400, 401, 404, 429, 500, 502, 503, 504, 301]


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

    for target in sorted(counts):
        print(f"fuzz/seeds.py: {counts[target]} seeds for {target}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
