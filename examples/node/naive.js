#!/usr/bin/env node
// A naive ESO Logs client, as an eso-adapter/1 adapter (docs/harness.md).
//
// What esologs-python does by default, in Node: one request per call and no retry, a
// client-credentials token fetched once and never refreshed, a 5 s timeout. Built-in fetch
// only, no npm packages.
//
//     eso-scenario conform --client-cmd 'node examples/node/naive.js'
'use strict';
const readline = require('node:readline');

const env = process.env;
// eso-scenario runs scenarios faster than real time; every wait and timeout scales alike.
const SCALE = Number(env.ESO_TIME_SCALE || '1');
// Never below 0.5 s of real time: on a loaded machine a normal answer is not a timeout.
const TIMEOUT_MS = Math.max(5000 * SCALE, 500);

class CallError extends Error {
  constructor(cls, message) {
    super(message);
    this.cls = cls;
  }
}

// What went wrong with a fetch, in the adapter protocol's words.
function classify(e) {
  if (e instanceof CallError) return e;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new CallError('timeout', e.message);
  if (e instanceof SyntaxError) return new CallError('malformed', e.message);
  const cause = e.cause && (e.cause.code || e.cause.message);
  return new CallError('connection', `${e.message}${cause ? ` (${cause})` : ''}`);
}

let tokenPromise = null; // fetched once, shared by calls running at once

function fetchToken() {
  const basic = Buffer.from(`${env.ESOLOGS_ID}:${env.ESOLOGS_SECRET}`).toString('base64');
  return fetch(env.ESOLOGS_TOKEN_URL, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).then(async (res) => {
    if (!res.ok) throw new CallError(`http_${res.status}`, `token: HTTP ${res.status}`);
    return (await res.json()).access_token;
  });
}

async function post(token, call) {
  const res = await fetch(env.ESOLOGS_API_URL, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
      'X-Request-Id': call.request_id },
    body: JSON.stringify({ query: call.document, operationName: call.operation,
      variables: call.variables || {} }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new CallError(`http_${res.status}`, `HTTP ${res.status}`);
  const answer = JSON.parse(text);
  if (answer.errors && answer.errors.length) throw new CallError('graphql_error', answer.errors[0].message);
  return answer.data;
}

async function run(call) {
  const result = { type: 'result', call: call.call };
  try {
    if (tokenPromise === null) tokenPromise = fetchToken().catch((e) => { tokenPromise = null; throw e; });
    result.data = await post(await tokenPromise, call);
    result.ok = true;
  } catch (e) {
    const err = classify(e);
    result.ok = false;
    result.error = { class: err.cls, message: err.message };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

let pending = 0;
let closed = false;
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.type === 'hello') { // the token at start, as esologs-python does; again on a call if it failed
    tokenPromise = fetchToken().catch(() => { tokenPromise = null; });
    tokenPromise.finally(() => process.stdout.write(`${JSON.stringify({ type: 'ready',
      protocol: 'eso-adapter/1', client: 'node-naive' })}\n`));
  } else if (msg.type === 'call') {
    pending++; // calls sent together run together
    run(msg).finally(() => { if (--pending === 0 && closed) process.exit(0); });
  }
});
lines.on('close', () => { closed = true; if (pending === 0) process.exit(0); });
