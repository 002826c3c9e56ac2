#!/usr/bin/env node
// An ESO Logs client built from the seed guide's patterns, as an eso-adapter/1 adapter.
//
// "Resilience and Retry Patterns" (esologs-python), in Node, as the guide shows them and no
// more: retry_with_backoff (3 attempts, 1 s, doubling) made selective as the guide does
// (timeouts only), its rate-limit handling (a 429: wait 5 s, try once more; 0.5 s between
// requests), its CircuitBreaker (5 failures, 60 s) around each call, the resilient client's
// 60 s timeout. The guide says nothing of Retry-After, jitter, deadlines or token refresh:
// neither does this. Built-in fetch only.
//
//     eso-scenario conform --client-cmd 'node examples/node/resilient.js'
'use strict';
const readline = require('node:readline');

const env = process.env;
const SCALE = Number(env.ESO_TIME_SCALE || '1'); // every wait and timeout scales alike
const TIMEOUT_MS = Math.max(60000 * SCALE, 500); // create_resilient_client(timeout=60.0)
const sleep = (seconds) => new Promise((done) => setTimeout(done, seconds * 1000 * SCALE));

class CallError extends Error {
  constructor(cls, message, status = 0) {
    super(message);
    Object.assign(this, { cls, status });
  }
}

function classify(e) {
  if (e instanceof CallError) return e;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new CallError('timeout', e.message);
  if (e instanceof SyntaxError) return new CallError('malformed', e.message);
  return new CallError('connection', `${e.message}${e.cause ? ` (${e.cause.code || e.cause.message})` : ''}`);
}

// The guide's basic pattern, selective as its second example is.
async function retryWithBackoff(fn, maxAttempts = 3, initialDelay = 1.0, retryOn = ['timeout']) {
  let delay = initialDelay;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = classify(e);
      if (!retryOn.includes(err.cls) || attempt === maxAttempts - 1) throw err;
      await sleep(delay);
      delay *= 2; // exponential backoff
    }
  }
}

// The guide's breaker: open after failureThreshold failures, closed again after timeout.
class CircuitBreaker {
  constructor(failureThreshold = 5, timeout = 60.0) {
    Object.assign(this, { failureThreshold, timeoutMs: timeout * 1000 * SCALE, failureCount: 0,
      lastFailureTime: 0, isOpen: false });
  }

  async call(fn) {
    if (this.isOpen) {
      if (performance.now() - this.lastFailureTime > this.timeoutMs) {
        this.isOpen = false;
        this.failureCount = 0;
      } else {
        throw new CallError('breaker_open', 'Circuit breaker is open');
      }
    }
    try {
      const result = await fn();
      this.failureCount = 0;
      return result;
    } catch (e) {
      this.failureCount += 1;
      this.lastFailureTime = performance.now();
      if (this.failureCount >= this.failureThreshold) this.isOpen = true;
      throw e;
    }
  }
}

async function fetchToken() {
  const basic = Buffer.from(`${env.ESOLOGS_ID}:${env.ESOLOGS_SECRET}`).toString('base64');
  const res = await fetch(env.ESOLOGS_TOKEN_URL, { method: 'POST', body: 'grant_type=client_credentials',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new CallError(`http_${res.status}`, `token: HTTP ${res.status}`, res.status);
  return (await res.json()).access_token;
}

async function post(token, call) {
  try {
    const res = await fetch(env.ESOLOGS_API_URL, { method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Request-Id': call.request_id },
      body: JSON.stringify({ query: call.document, operationName: call.operation, variables: call.variables || {} }),
      signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    if (!res.ok) throw new CallError(`http_${res.status}`, `HTTP ${res.status}`, res.status);
    const answer = JSON.parse(text);
    if (answer.errors && answer.errors.length) throw new CallError('graphql_error', answer.errors[0].message);
    return answer.data;
  } catch (e) {
    throw classify(e);
  }
}

// The guide's "Handle Rate Limiting": on a 429 wait 5 s and try once more.
async function withRateLimit(fn) {
  try {
    return await fn();
  } catch (e) {
    if (e.status !== 429) throw e;
    await sleep(5.0);
    return fn();
  }
}

const breaker = new CircuitBreaker();
let tokenPromise = null; // once, as get_access_token() in the guide
let nextRequest = 0; // "Delay between requests to avoid rate limiting": 0.5 s

async function run(call) {
  const result = { type: 'result', call: call.call };
  try {
    const wait = nextRequest - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    if (tokenPromise === null) tokenPromise = fetchToken().catch((e) => { tokenPromise = null; throw e; });
    const token = await tokenPromise;
    result.data = await breaker.call(() => retryWithBackoff(() => withRateLimit(() => post(token, call))));
    result.ok = true;
    nextRequest = performance.now() + 500 * SCALE;
  } catch (e) {
    const err = classify(e);
    Object.assign(result, { ok: false, error: { class: err.cls, message: err.message } });
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
      protocol: 'eso-adapter/1', client: 'node-seed-guide' })}\n`));
  } else if (msg.type === 'call') {
    pending++;
    run(msg).finally(() => { if (--pending === 0 && closed) process.exit(0); });
  }
});
lines.on('close', () => { closed = true; if (pending === 0) process.exit(0); });
