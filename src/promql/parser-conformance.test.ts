/**
 * Every query in the upstream PromQL test scripts must parse (upstream rejects a whole file otherwise),
 * print back to PromQL that parses to the same tree, and convert to parse_query JSON.
 * Legacy `eval_fail` blocks with an expected parse error message are checked against that message.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exprToJSON } from './parse-json.ts';
import { PromQLParseError, parseExpr } from './parser.ts';
import { astKey, readKnownFailures, scriptQueries } from './parser-test-util.ts';
import { exprToString, prettify } from './printer.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const KNOWN_FAILURES_FILE = join(HERE, 'parser-known-failures.txt');

/** Returns null when the query behaves, otherwise a description of what went wrong. */
function checkQuery(q: ReturnType<typeof scriptQueries>[number]): string | null {
  const wantsParseError = q.expectedFailMessage !== undefined || q.expectedFailRegexp !== undefined;
  let expr: ReturnType<typeof parseExpr>;
  try {
    expr = parseExpr(q.query);
  } catch (e) {
    if (!(e instanceof PromQLParseError)) return `threw a non-parse error: ${(e as Error).stack}`;
    if (!wantsParseError) return `parse error: ${e.message}`;
    if (q.expectedFailMessage !== undefined && e.message !== q.expectedFailMessage) {
      return `message ${JSON.stringify(e.message)} != expected ${JSON.stringify(q.expectedFailMessage)}`;
    }
    if (q.expectedFailRegexp !== undefined && !new RegExp(q.expectedFailRegexp).test(e.message)) {
      return `message ${JSON.stringify(e.message)} does not match /${q.expectedFailRegexp}/`;
    }
    return null;
  }
  if (wantsParseError) return 'parsed, but a parse error was expected';
  const printed = exprToString(expr);
  let reparsed: ReturnType<typeof parseExpr>;
  try {
    reparsed = parseExpr(printed);
  } catch (e) {
    return `printed form ${JSON.stringify(printed)} does not parse: ${(e as Error).message}`;
  }
  if (astKey(reparsed) !== astKey(expr)) return `printed form ${JSON.stringify(printed)} parses to a different tree`;
  try {
    const pretty = prettify(expr);
    if (astKey(parseExpr(pretty)) !== astKey(expr)) return `prettified form parses to a different tree:\n${pretty}`;
  } catch (e) {
    return `prettified form does not parse: ${(e as Error).message}`;
  }
  JSON.stringify(exprToJSON(expr));
  return null;
}

test('every eval query of the upstream PromQL test scripts parses and round-trips', () => {
  const queries = scriptQueries();
  const known = readKnownFailures(KNOWN_FAILURES_FILE);
  assert.ok(queries.length > 2000, `expected the upstream scripts to hold > 2000 evals, found ${queries.length}`);
  let passed = 0;
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  const stillFailing: string[] = [];
  for (const q of queries) {
    const id = `${q.file}:${q.line}`;
    const problem = checkQuery(q);
    if (problem === null) {
      passed++;
      if (known.has(id)) nowPassing.push(id);
    } else if (known.has(id)) {
      stillFailing.push(`${id}\t${known.get(id)}`);
    } else {
      unexpected.push(`${id}: ${q.query}\n    ${problem}`);
    }
  }
  const failed = queries.length - passed;
  console.log(`parser conformance: ran ${queries.length}, passed ${passed}, failed ${failed}`);
  if (stillFailing.length > 0) console.log(`known failures (${stillFailing.length}):\n  ${stillFailing.join('\n  ')}`);
  if (nowPassing.length > 0)
    console.log(`known failures that now pass (remove them from the list):\n  ${nowPassing.join('\n  ')}`);
  assert.deepEqual(unexpected, [], `unexpected failures:\n${unexpected.join('\n')}`);
});
