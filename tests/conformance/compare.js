#!/usr/bin/env node
// Differential conformance: every corpus case through eso-mock's engine (the C
// driver) and through graphql-js (the version pinned in package.json), compared:
//   - the verdict: syntax error, validation error, request error (operation name,
//     variables: no "data"), or executed;
//   - for errors: the first error's message and locations;
//   - for executed cases: the data. Without "root", graphql-js executes from the
//     engine's own data as root value (each field reads source[response key]),
//     so the data must be exactly what graphql-js makes of it; with "root", both
//     execute from the same JSON and the whole answer must be equal.
// Usage: node compare.js DRIVER ESO_SDL TEST_SDL SOURCE_ROOT CORPUS.json [-v]
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const graphql = require('graphql');

const MAX_TOKENS = 50000; // GQL_MAX_TOKENS in mock_server/gql/gql.h

function buildSchema(file) {
  const doc = graphql.parse(fs.readFileSync(file, 'utf8'));
  // The ESO Logs dump declares GuildPagination twice; eso-mock keeps the first.
  const seen = new Set();
  const definitions = doc.definitions.filter((d) => {
    if (!d.name || !d.kind.endsWith('Definition')) return true;
    const key = d.kind + ':' + d.name.value;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return graphql.buildASTSchema({ ...doc, definitions });
}

function firstError(errors) {
  const e = errors[0];
  return JSON.stringify({ message: e.message, locations: e.locations });
}

// What graphql-js answers for a case; `engineData` is the root value when the
// case has none of its own.
function reference(schema, c, query, engineData) {
  let doc;
  try {
    doc = graphql.parse(query, { maxTokens: MAX_TOKENS });
  } catch (e) {
    return { verdict: 'syntax', first: firstError([e]) };
  }
  const errors = graphql.validate(schema, doc);
  if (errors.length > 0) return { verdict: 'validation', first: firstError(errors), count: errors.length };
  const own = c.root !== undefined;
  const result = graphql.executeSync({
    schema,
    document: doc,
    rootValue: own ? c.root : engineData,
    variableValues: c.variables ?? {},
    operationName: c.operationName,
    fieldResolver: own
      ? undefined
      : (source, _args, _ctx, info) => (source == null ? undefined : source[info.path.key]),
    typeResolver: (value, _ctx, _info, abstractType) =>
      value && typeof value.__typename === 'string'
        ? value.__typename
        : schema.getPossibleTypes(abstractType)[0].name,
  });
  if (!('data' in result)) return { verdict: 'request', first: firstError(result.errors) };
  return {
    verdict: 'executed',
    first: result.errors ? firstError(result.errors) : null,
    answer: result,
  };
}

// eso-mock adds the API's extensions.category to every error; graphql-js adds none.
function withoutExtensions(answer) {
  if (answer && Array.isArray(answer.errors))
    answer.errors = answer.errors.map(({ extensions, ...rest }) => {
      if (!extensions || extensions.category === undefined) throw new Error('an error without extensions.category');
      return rest;
    });
  return answer;
}

function engineVerdict(line) {
  const a = withoutExtensions(line.answer);
  if (a === null) return { verdict: 'crash' };
  if (!('data' in a)) {
    const m = a.errors[0].message;
    if (m.startsWith('Syntax Error:')) return { verdict: 'syntax', first: firstError(a.errors) };
    // Operation-name and variable errors come after validation passed.
    return { verdict: line.validated ? 'request' : 'validation', first: firstError(a.errors), count: a.errors.length };
  }
  return { verdict: 'executed', first: a.errors ? firstError(a.errors) : null, answer: a };
}

function main() {
  const args = process.argv.slice(2);
  const verbose = args.includes('-v');
  const [driver, esoSdl, testSdl, root, corpusFile] = args.filter((a) => a !== '-v');
  const schemas = { eso: buildSchema(esoSdl), test: buildSchema(testSdl) };
  const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8'));
  const out = execFileSync(driver, [esoSdl, testSdl, root, corpusFile], {
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const byName = new Map(lines.map((l) => [l.name, l]));
  const counts = { documents: 0, valid: 0, invalid: 0, differences: 0 };
  const rules = new Set();
  const names = new Set();
  for (const c of corpus) {
    counts.documents++;
    if (names.has(c.name)) throw new Error('duplicate case name ' + c.name);
    names.add(c.name);
    const query = c.file ? fs.readFileSync(path.join(root, c.file), 'utf8') : c.query;
    const schema = schemas[c.schema ?? 'eso'];
    const line = byName.get(c.name);
    const problems = [];
    if (!line) {
      problems.push('no answer from the engine');
    } else {
      const ref = reference(schema, c, query, line.answer && line.answer.data);
      line.validated = ref.verdict === 'request' || ref.verdict === 'executed';
      const eng = engineVerdict(line);
      if (ref.verdict === 'executed') counts.valid++;
      else counts.invalid++;
      if (c.rule) rules.add(c.rule);
      if (eng.verdict !== ref.verdict) problems.push(`verdict: engine ${eng.verdict}, graphql-js ${ref.verdict}`);
      if (eng.first !== ref.first) problems.push(`first error:\n    engine     ${eng.first}\n    graphql-js ${ref.first}`);
      if (ref.count !== undefined && c.errors !== undefined && ref.count !== c.errors)
        problems.push(`graphql-js found ${ref.count} errors, the case expects ${c.errors}`);
      if (ref.verdict === 'executed' && eng.verdict === 'executed') {
        // Own root: the whole answer. Else the data, and the errors when the engine had any
        // before graphql-js re-executed its data (an operation type the schema lacks).
        const whole = c.root !== undefined || eng.answer.data === null;
        const e = JSON.stringify(whole ? eng.answer : eng.answer.data);
        const r = JSON.stringify(whole ? ref.answer : ref.answer.data);
        if (e !== r) problems.push(`answer:\n    engine     ${e.slice(0, 2000)}\n    graphql-js ${r.slice(0, 2000)}`);
      }
      if (c.expect && ref.first && !ref.first.includes(c.expect))
        problems.push(`the case expects an error containing ${JSON.stringify(c.expect)}, graphql-js said ${ref.first}`);
    }
    if (problems.length > 0) {
      counts.differences++;
      console.log(`DIFF ${c.name}: ${problems.join('\n  ')}`);
    } else if (verbose) {
      console.log(`ok   ${c.name}`);
    }
  }
  console.log(
    `conformance: ${counts.documents} documents, ${counts.valid} valid, ${counts.invalid} invalid, ` +
      `${rules.size} validation rules covered, ${counts.differences} differences (graphql-js ${graphql.version})`,
  );
  process.exit(counts.differences === 0 ? 0 : 1);
}

main();
