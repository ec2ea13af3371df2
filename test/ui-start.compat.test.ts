// `npm ci && npm start` opens to the overview with live host data: `osprey run` with no configuration (the
// built-in default: Osprey scrapes itself, its host collector and probes its UI), opened in Debian's Chromium.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DEFAULT_UI_DIR } from '../src/api/ui-static.ts';
import { tempDir } from './helpers.ts';
import { buildUi, CHROMIUM, CHROMIUM_ARGS } from './ui-harness.ts';

const SHOTS = process.env.OSPREY_UI_SHOTS ?? '/tmp/osprey-ui-shots';
const opts = {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`,
  timeout: 120_000,
};

let child: ChildProcess | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
});

/** Starts `node bin/osprey.js run` as `npm start` does, on a free port; returns its URL once ready. */
async function startDefault(): Promise<string> {
  child = spawn(
    process.execPath,
    [
      'bin/osprey.js',
      'run',
      `--storage.tsdb.path=${join(tempDir('osprey-start-'), 'data')}`,
      '--web.listen-address=127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`osprey exited with ${child.exitCode}:\n${out}`);
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (
      m &&
      (await fetch(`${m[1]}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`osprey did not become ready:\n${out}`);
}

test('osprey run with the built-in config opens to the overview with live host data', opts, async () => {
  // `npm ci` builds the UI into dist/web (the `prepare` script); build it here when that has not happened.
  if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) buildUi(DEFAULT_UI_DIR);
  const url = await startDefault();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    await page.locator('h1', { hasText: 'Overview' }).waitFor();
    // The host collector's figures: memory, disk and load after the first scrape, CPU busy after the second
    // (a rate); the page refreshes every 15 s, as often as the default configuration scrapes.
    const host = page.locator('section.hosts tbody tr').first();
    const figure = /^\d+(\.\d)?%/;
    await host.locator('td.host-mem', { hasText: figure }).waitFor({ timeout: 45_000 });
    assert.match((await host.locator('td').first().textContent()) ?? '', /^127\.0\.0\.1:\d+$/);
    assert.match((await host.locator('td.host-mem').textContent()) ?? '', /^\d+(\.\d)?% of \d/);
    assert.match((await host.locator('td.host-disk').textContent()) ?? '', figure);
    assert.match((await host.locator('td.host-load').textContent()) ?? '', /^\d/);
    await host.locator('td.host-cpu', { hasText: figure }).waitFor({ timeout: 45_000 });
    assert.match((await host.locator('td.host-cpu').textContent()) ?? '', /^\d+(\.\d)?% of \d+ cores$/);
    // All three default targets (osprey, node, probe) are up.
    await page.locator('.stat', { hasText: 'Targets up' }).locator('.stat-value', { hasText: '3 / 3' }).waitFor();
    for (const job of ['node', 'osprey', 'probe']) {
      await page.locator('section.card', { hasText: 'Targets by job' }).locator('td', { hasText: job }).waitFor();
    }
    await page.locator('.stat', { hasText: 'Head series' }).locator('.stat-value', { hasText: /^\d/ }).waitFor();
    await page.locator('.stat', { hasText: 'Last reload' }).locator('.stat-value', { hasText: 'Success' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'start-overview.png'), fullPage: true }).catch(() => {});
  }
});
