import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createParser, type ExpositionFormat } from './index.ts';

/**
 * Conformance: every upstream exposition payload must parse, with the sample and family counts the
 * conformance README states. Known failures (none today) live in conformance-known-failures.json.
 */
const CONFORMANCE = fileURLToPath(new URL('../../../shared/conformance', import.meta.url));
const EXPECTED: Record<string, { samples: number; families: number }> = {
  'exposition/alltypes.237mfs.prom.txt': { samples: 1857, families: 237 },
  'exposition/alltypes.237mfs.nometa.prom.txt': { samples: 1857, families: 0 },
  'exposition/alltypes.5mfs.om.txt': { samples: 53, families: 5 },
  'exposition/1histogram.om.txt': { samples: 42, families: 1 },
};

const knownFailures: Record<string, string> = JSON.parse(
  readFileSync(new URL('./conformance-known-failures.json', import.meta.url), 'utf8'),
);

function formatOf(file: string): ExpositionFormat {
  return /\.om\.txt$|openmetrics/.test(file) ? 'openmetrics' : 'text';
}

function caseFiles(): string[] {
  const files = readdirSync(join(CONFORMANCE, 'exposition')).map((f) => `exposition/${f}`);
  // Further exposition samples from promtool's test data (see the conformance README, section 5).
  for (const f of readdirSync(join(CONFORMANCE, 'promtool-unittest'))) {
    if (f === 'metrics-test.prom' || f.startsWith('dump-openmetrics-')) files.push(`promtool-unittest/${f}`);
  }
  return files.sort();
}

function contentOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CONFORMANCE, file)));
}

test('conformance: every exposition payload parses', () => {
  const files = caseFiles();
  let passed = 0;
  const failures: string[] = [];
  const nowPassing: string[] = [];
  for (const file of files) {
    const format = file.startsWith('promtool-unittest/dump-openmetrics-') ? 'openmetrics' : formatOf(file);
    let samples = 0;
    let families = 0;
    let error = '';
    try {
      const p = createParser(contentOf(file), format);
      for (let e = p.next(); e !== null; e = p.next()) {
        if (e === 'series') {
          samples++;
          p.seriesKey();
          p.labels();
          p.value();
          p.timestamp();
        } else if (e === 'type') families++;
      }
      const exp = EXPECTED[file];
      if (exp && (exp.samples !== samples || exp.families !== families)) {
        error = `expected ${exp.samples} samples/${exp.families} families, got ${samples}/${families}`;
      }
      if (samples === 0) error = 'no samples';
    } catch (e) {
      error = (e as Error).message;
    }
    console.log(
      `  ${file} (${format}): ${error === '' ? 'ok' : `FAIL ${error}`}, ${samples} samples, ${families} families`,
    );
    if (error === '') {
      passed++;
      if (file in knownFailures) nowPassing.push(file);
    } else if (!(file in knownFailures)) failures.push(`${file}: ${error}`);
  }
  console.log(`exposition conformance: ${files.length} ran, ${passed} passed, ${files.length - passed} failed`);
  for (const [f, why] of Object.entries(knownFailures)) console.log(`  known failure ${f}: ${why}`);
  if (nowPassing.length > 0)
    console.log(`  known failures that now pass (remove from the list): ${nowPassing.join(', ')}`);
  assert.ok(files.length >= 4, 'conformance files present');
  assert.deepEqual(failures, []);
});
