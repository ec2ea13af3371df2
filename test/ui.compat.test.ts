// End-to-end tests of the web UI in Debian's Chromium (playwright-core), against a real Osprey.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, startUiEnv, type UiEnv, XSS, XSS_IMG } from './ui-harness.ts';

const SHOTS = process.env.OSPREY_UI_SHOTS ?? '/tmp/osprey-ui-shots';
const haveChromium = existsSync(CHROMIUM);

let env: UiEnv;
let browser: Browser;
let page: Page;
/** Console errors, page errors and dialogs seen by the current page. */
let problems: string[] = [];
let dialogs: string[] = [];

before(async () => {
  if (!haveChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  env = await startUiEnv();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

async function open(path: string, name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  await page?.close();
  problems = [];
  dialogs = [];
  page = await browser.newPage({ viewport });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  (page as Page & { shotName?: string }).shotName = name;
  await page.goto(env.url + path);
  return page;
}

/** An element's text (textContent, so no layout dependence). */
async function text(l: Locator): Promise<string> {
  return (await l.textContent()) ?? '';
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

afterEach(async (t) => {
  // Keep a picture of whatever the page showed when a test failed.
  if (page && !page.isClosed()) {
    await page
      .screenshot({ path: join(SHOTS, `last-${t.name.replace(/\W+/g, '-')}.png`), fullPage: true })
      .catch(() => {});
  }
});

const opts = { skip: haveChromium ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` };

test('graph page: completion, table row, chart with legend, URL keeps the expression', opts, async () => {
  await open('/graph', 'graph');
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.type('xss_te');
  // Autocomplete offers the metric name from Osprey's own API.
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'xss_test' });
  await option.first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await page.keyboard.type('st');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Execute' }).click();
  // Table tab: a row per series, the label value shown literally.
  const row = page.locator('table.data td.series', { hasText: 'kind="b"' });
  await row.waitFor();
  assert.match(
    await text(row),
    /^xss_test\{env="test", evil="plain", instance="127\.0\.0\.1:\d+", job="app", kind="b"\}$/,
  );
  assert.equal(new URL(page.url()).searchParams.get('g0.expr'), 'xss_test');
  assert.equal(new URL(page.url()).searchParams.get('g0.tab'), '1');
  await shot('graph-table');

  await page.getByRole('tab', { name: 'Graph' }).click();
  await page.locator('.chart-canvas canvas').first().waitFor();
  // The test app has only been scraped for seconds: zoom the range in to 1m.
  await page.getByLabel('Range', { exact: true }).fill('1m');
  await page.keyboard.press('Tab');
  await page.waitForURL(/g0\.range_input=1m/);
  await page.getByLabel('Resolution (step)').fill('2s');
  await page.keyboard.press('Tab');
  await page.waitForURL(/g0\.step_input=2s/);
  await page.locator('.chart-canvas canvas').first().waitFor();
  const legend = await page.locator('.legend .legend-name').allTextContents();
  assert.equal(legend.length, 2);
  assert.ok(
    legend.some((l) => l.includes(`evil=${JSON.stringify(XSS)}`) && l.includes('kind="a"')),
    legend.join('\n'),
  );
  assert.ok(
    legend.some((l) => l.includes('evil="plain"') && l.includes('kind="b"')),
    legend.join('\n'),
  );
  assert.equal(new URL(page.url()).searchParams.get('g0.tab'), '0');
  // Hovering the plot shows a tooltip with the series' values.
  // The chart may be redrawn (and its overlay replaced) as the last settings land: wait for a laid-out overlay.
  const over = page.locator('.u-over').first();
  let box = null;
  for (let i = 0; i < 50 && !box; i++) {
    await over.waitFor();
    box = await over.boundingBox();
    if (!box) await page.waitForTimeout(100);
  }
  assert.ok(box, 'the chart overlay has a bounding box');
  await page.mouse.move(box.x + box.width - 5, box.y + box.height / 2);
  await page.locator('.chart-tip .tip-row').first().waitFor();
  // Click isolates a series; Ctrl-click brings the other back.
  await page.locator('.legend-item').nth(0).click();
  assert.equal(await page.locator('.legend li.off').count(), 1);
  await page
    .locator('.legend-item')
    .nth(1)
    .click({ modifiers: ['Control'] });
  assert.equal(await page.locator('.legend li.off').count(), 0);
  await shot('graph-chart');
  // Dark theme: toggled from the top bar, the chart is redrawn with the theme's colours.
  await page.getByRole('button', { name: 'Toggle dark mode' }).click();
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  await page.locator('.chart-canvas canvas').first().waitFor();
  await shot('graph-chart-dark');

  // A shared link restores the panel (Prometheus parameter names).
  const shared = `/graph?g0.expr=${encodeURIComponent('sum by (code) (demo_requests_total)')}&g0.tab=1&g0.range_input=30m`;
  await open(shared, 'graph-shared');
  await page.locator('table.data td.series', { hasText: 'code="500"' }).waitFor();
  assert.equal(await text(page.locator('.cm-content')), 'sum by (code) (demo_requests_total)');
  assert.deepEqual(problems, []);
  assert.deepEqual(dialogs, []);
});

test('graph page shows the parser error inline', opts, async () => {
  await open(`/graph?g0.expr=${encodeURIComponent('sum(rate(xss_test[1m])')}&g0.tab=1`, 'graph-error');
  const err = page.locator('.result .alert.error');
  await err.waitFor();
  assert.match(await text(err), /parse error: unclosed left parenthesis/);
  // A type error: the server's text is shown, and the editor's own linter underlines the argument.
  await open(`/graph?g0.expr=${encodeURIComponent('rate(xss_test)')}&g0.tab=1`, 'graph-error');
  const err2 = page.locator('.result .alert.error');
  await err2.waitFor();
  assert.match(await text(err2), /expected type range vector in call to function "rate", got instant vector/);
  // The editor's own linter marks the problem too.
  await page
    .locator('.cm-lintRange-error, .cm-lintPoint-error')
    .first()
    .waitFor({ state: 'attached', timeout: 10_000 });
  await shot('graph-error');
});

test('label values with markup are shown as text and never run', opts, async () => {
  await open(`/graph?g0.expr=xss_test&g0.tab=1`, 'xss');
  const cell = page.locator('table.data td.series', { hasText: 'kind="a"' });
  await cell.waitFor();
  assert.match(
    await text(cell),
    /^xss_test\{env="test", evil="<script>alert\(1\)<\/script>", instance="[^"]+", job="app", kind="a"\}$/,
  );
  // No element was created from the label value.
  assert.equal(await page.evaluate('document.querySelectorAll("main script, main img[src=x]").length'), 0);

  await open('/alerts', 'alerts-xss');
  const highLatency = page.locator('.alert-card', { hasText: 'HighLatency' });
  await highLatency.waitFor();
  // The alerting rules are listed with their state: two firing, one inactive.
  await page
    .locator('section .card', { hasText: 'HighLatency' })
    .locator('.pill', { hasText: 'FIRING' })
    .first()
    .waitFor();
  assert.match(await text(page.locator('.filters')), /firing \(2\).*inactive \(1\)/);
  const card = await text(highLatency);
  assert.ok(card.includes(`evil="${XSS}"`), card);
  assert.ok(card.includes(XSS_IMG), card);
  assert.equal(await page.evaluate('document.querySelectorAll("main script, main img[src=x]").length'), 0);
  await open('/notifications', 'notifications-xss');
  // The failed webhook's answer (which carries markup) is part of the error text.
  await page.locator('td .error-text').first().waitFor();
  assert.ok((await text(page.locator('td .error-text').first())).includes(XSS));
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems, []);
});

test('targets page lists pools with health and labels before/after relabeling', opts, async () => {
  await open('/targets', 'targets');
  await page.locator('.pool-name', { hasText: 'app' }).waitFor();
  await page.locator('.pill.bad', { hasText: '0 / 1 up' }).waitFor({ timeout: 10_000 });
  const appCard = page.locator('section.card', { has: page.locator('.pool-name', { hasText: /^app$/ }) });
  assert.match(await text(appCard.locator('.pill').first()), /1 \/ 1 up/);
  assert.equal(await text(appCard.locator('td .pill.ok')), 'UP');
  assert.match(await text(appCard.locator('td .labels').first()), /env="test"/);
  await appCard.locator('details summary').first().click();
  assert.match(await text(appCard.locator('details .labels').first()), /__address__=/);
  const broken = page.locator('section.card', { has: page.locator('.pool-name', { hasText: /^broken$/ }) });
  assert.equal(await text(broken.locator('td .pill.bad')), 'DOWN');
  assert.notEqual((await text(broken.locator('td.error-text'))).trim(), '');
  await shot('targets');
  assert.deepEqual(problems, []);
});

test('status page shows config, flags, build/runtime info and TSDB stats', opts, async () => {
  await open('/status', 'status');
  await page.locator('pre.config').waitFor();
  assert.match(await text(page.locator('pre.config')), /job_name: app/);
  const head = page.locator('.head-stats td.num').first();
  await head.waitFor();
  assert.ok(Number(await text(head)) > 0);
  const topMetric = page.locator('.top-table').first().locator('tbody tr').first();
  await topMetric.locator('td.mono').waitFor();
  assert.ok(Number(await text(topMetric.locator('td.num'))) > 0);
  await page.locator('th', { hasText: 'storageRetention' }).waitFor();
  await shot('status');
  assert.deepEqual(problems, []);
});

test('overview, rules, dashboards and notifications load without console errors', opts, async () => {
  await open('/', 'overview');
  await page.locator('.stat-value', { hasText: '3 / 4' }).waitFor();
  // Ingestion rate comes from a PromQL query over Osprey's own osprey_tsdb_head_samples_appended_total.
  await page.locator('.stat', { hasText: 'Ingestion rate' }).locator('.stat-value', { hasText: '/s' }).waitFor();
  await page.locator('section.card', { hasText: 'Ingestion rate' }).locator('canvas').first().waitFor();
  await page.locator('text=Targets by job').waitFor();
  await shot('overview');
  assert.deepEqual(problems, []);

  // Firing alerts come from the rule manager (/api/v1/alerts).
  await page.locator('.stat', { hasText: 'Firing alerts' }).locator('.stat-value', { hasText: /^2$/ }).waitFor();
  await page.locator('section.card', { hasText: 'Active alerts' }).locator('td', { hasText: 'HighLatency' }).waitFor();

  await open('/rules', 'rules');
  const broken = page.locator('tr', { hasText: 'job:xss:broken' });
  await broken.waitFor();
  assert.equal(await text(broken.locator('.pill')), 'ERR');
  assert.match(await text(broken), /many-to-many matching not allowed/);
  assert.equal(await text(page.locator('tr', { hasText: 'job:up:sum' }).locator('.pill')), 'OK');
  assert.equal(await text(page.locator('tr', { hasText: 'HighLatency' }).locator('.pill')), 'OK');
  assert.match(await text(page.locator('.card', { hasText: 'rules.yml' }).first()), /every 1s/);
  // Expressions link to the graph page.
  await page.locator('a', { hasText: 'sum by (job) (up)' }).click();
  await page.waitForURL(/\/graph\?g0\.expr=sum/);
  await shot('rules');
  assert.deepEqual(problems, []);

  await open('/dashboards', 'dashboards');
  await page.locator('.dash-item', { hasText: 'Host overview' }).waitFor();
  await page.locator('.dash-item', { hasText: 'Osprey' }).click();
  await page.locator('.dash-panel').first().waitFor();
  assert.ok((await page.locator('.dash-panel').count()) >= 10);
  // Panels query the API: the "Targets up" gauge renders from `avg(up)`.
  await page.locator('.dash-panel', { hasText: 'Targets up' }).locator('svg.gauge').waitFor();
  await page
    .locator('.dash-panel.type-timeseries canvas')
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => {});
  await shot('dashboard-osprey');
  assert.deepEqual(problems, []);

  // The host dashboard over the built-in host collector: gauges, stats, charts and the filesystem table.
  await open('/dashboards/host-overview', 'dashboard-host');
  await page.locator('.dash-panel', { hasText: 'CPU busy' }).locator('svg.gauge').waitFor();
  await page.locator('.dash-panel', { hasText: 'CPU cores' }).locator('.big').waitFor();
  await page.locator('.dash-panel', { hasText: 'Load average' }).locator('canvas').first().waitFor();
  await page.locator('.dash-panel', { hasText: 'Filesystems' }).locator('th', { hasText: 'mountpoint' }).waitFor();
  const instance = page.locator('.vars select');
  assert.match(await instance.inputValue(), /^127\.0\.0\.1:\d+$/);
  assert.match(page.url(), /var-instance=127\.0\.0\.1/);
  await shot('dashboard-host');
  assert.deepEqual(problems, []);

  await open('/notifications?status=failed', 'notifications');
  // The alert manager retries the failed group every group_interval: one row per attempt, all failed.
  await page.locator('tbody tr').first().waitFor();
  for (const row of await page.locator('tbody tr').all()) {
    assert.match(
      await text(row),
      /team-db\s*webhook\s*DiskFull \(1 firing\)\s*failed\s*webhook: unexpected status code 400/i,
    );
  }
  assert.deepEqual(problems, []);
});

test('notification history shows a notification the webhook really received', opts, async () => {
  // The stand-in webhook got HighLatency from the built-in alert manager...
  const got = env.deliveries.find((d) => d.body.alerts.some((a) => a.labels.alertname === 'HighLatency'));
  assert.ok(got, 'webhook delivery');
  assert.equal(got.body.receiver, 'team-web');
  // ...and the history page lists that delivery as a success, filterable by receiver and alert.
  await open('/notifications', 'notifications-all');
  await page.locator('tbody tr').nth(1).waitFor();
  await page.locator('label', { hasText: 'Receiver' }).locator('select').selectOption('team-web');
  await page.waitForURL(/receiver=team-web/);
  // The URL changes before the table re-renders: wait for the filtered rows.
  await page.waitForFunction(() => {
    const rows = [...(globalThis as any).document.querySelectorAll('tbody tr')] as { textContent: string }[];
    return rows.length > 0 && rows.every((r) => r.textContent.includes('team-web'));
  });
  const rows = page.locator('tbody tr');
  assert.ok((await rows.count()) >= 1);
  for (const row of await rows.all()) {
    assert.match(await text(row), /team-web\s*webhook\s*HighLatency \(1 firing\)\s*success/i);
  }
  await page.locator('label', { hasText: 'Alert' }).locator('input').fill('DiskFull');
  await page.locator('text=No notifications match the filter.').waitFor();
  await shot('notifications');
  assert.deepEqual(problems, []);
});

/** Osprey's own Alertmanager API v2, as a script would read it. */
async function am(path: string): Promise<any> {
  const r = await fetch(`${env.url}/api/v2/${path}`);
  assert.equal(r.status, 200, path);
  return r.json();
}
const highLatency = () => am(`alerts?filter=${encodeURIComponent('alertname="HighLatency"')}`);

test('a silence created from an alert is active, silences the alert, and can be expired', opts, async () => {
  await open('/alerts', 'alerts');
  await page.locator('.alert-card', { hasText: 'HighLatency' }).locator('a.button', { hasText: 'Silence' }).click();
  await page.waitForURL(/\/silences\/new\?/);
  // Matchers are prefilled from the alert's labels, including the one with markup.
  await page.locator('.matcher-row').nth(3).waitFor();
  assert.equal(await page.locator('.matcher-row').count(), 4);
  assert.equal(await page.getByLabel('Matcher 1 value').inputValue(), 'HighLatency');
  assert.equal(await page.getByLabel('Matcher 2 label name').inputValue(), 'evil');
  assert.equal(await page.getByLabel('Matcher 2 value').inputValue(), XSS);
  // The preview lists the alert the silence will affect (and only that one).
  await page.locator('.preview .preview-alert').first().waitFor();
  assert.equal(await page.locator('.preview .preview-alert').count(), 1);
  assert.match(await text(page.locator('.preview .preview-alert')), /HighLatency/);
  // Invalid input is caught before submitting.
  await page.getByLabel('Matcher 1 label name').fill('bad-name');
  await page.locator('.matcher-row .error-text', { hasText: 'invalid label name' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create' }).isDisabled(), true);
  await page.getByLabel('Matcher 1 label name').fill('alertname');
  await page.locator('label', { hasText: 'Creator' }).locator('input').fill('ui-test');
  await page.locator('label', { hasText: 'Comment' }).locator('textarea').fill('maintenance');
  await shot('silence-form');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/silences\/[0-9a-f-]{36}$/);
  await page.locator('[data-testid=silence-state]', { hasText: 'ACTIVE' }).waitFor();
  const id = new URL(page.url()).pathname.split('/').pop()!;

  // Osprey's alert manager has the silence, active, with the alert's labels as matchers...
  const silences = await am('silences');
  assert.equal(silences.length, 1);
  assert.equal(silences[0].id, id);
  assert.equal(silences[0].status.state, 'active');
  assert.equal(silences[0].createdBy, 'ui-test');
  assert.deepEqual(silences[0].matchers.map((m: any) => `${m.name}=${m.value}`).sort(), [
    'alertname=HighLatency',
    `evil=${XSS}`,
    'kind=a',
    'severity=page',
  ]);
  // ...and the alert is suppressed by it, while DiskFull is not.
  const [silenced] = await highLatency();
  assert.equal(silenced.status.state, 'suppressed');
  assert.deepEqual(silenced.status.silencedBy, [id]);
  const [disk] = await am(`alerts?filter=${encodeURIComponent('alertname="DiskFull"')}`);
  assert.equal(disk.status.state, 'active');

  // The alerts page hides it by default and shows it as silenced when asked.
  await open('/alerts', 'alerts-silenced');
  await page.locator('.alert-card', { hasText: 'DiskFull' }).waitFor();
  assert.equal(await page.locator('.alert-card', { hasText: 'HighLatency' }).count(), 0);
  await page.getByLabel('show silenced and inhibited').check();
  await page.locator('.alert-card', { hasText: 'HighLatency' }).locator('.pill', { hasText: 'silenced' }).waitFor();
  await page
    .locator('.alert-card', { hasText: 'HighLatency' })
    .locator('a.button', { hasText: 'View silence' })
    .click();
  await page.waitForURL(new RegExp(`/silences/${id}$`));

  // Edit keeps the silence's id (Alertmanager replaces it in place).
  await page.locator('a.button', { hasText: 'Edit' }).click();
  await page.waitForURL(/\/edit$/);
  const comment = page.locator('label', { hasText: 'Comment' }).locator('textarea');
  await comment.waitFor();
  // The form renders before the silence has loaded into it: wait for the loaded comment.
  for (let i = 0; i < 100 && (await comment.inputValue()) === ''; i++) await page.waitForTimeout(100);
  assert.equal(await comment.inputValue(), 'maintenance');
  await comment.fill('maintenance, extended');
  await page.getByRole('button', { name: 'Update' }).click();
  await page.waitForURL(new RegExp(`/silences/${id}$`));
  await page.locator('.comment', { hasText: 'maintenance, extended' }).waitFor();
  const edited = (await am('silences')).filter((s: any) => s.status.state !== 'expired');
  assert.deepEqual(
    edited.map((s: any) => [s.id, s.comment]),
    [[id, 'maintenance, extended']],
  );

  await open('/silences', 'silences');
  await page.locator('.card.silence').waitFor();
  await shot('silences');
  await page.getByRole('button', { name: 'Expire' }).click();
  await page.locator('text=No active silences.').waitFor();
  assert.equal((await am(`silence/${id}`)).status.state, 'expired');
  // The alert is active again.
  assert.equal((await highLatency())[0].status.state, 'active');
  await open('/alerts', 'alerts-unsilenced');
  await page.locator('.alert-card', { hasText: 'HighLatency' }).locator('a.button', { hasText: 'Silence' }).waitFor();
  assert.deepEqual(problems, []);
});

test('on a phone every page fits the screen, and the folded menu works from the keyboard', opts, async () => {
  const phone = { width: 390, height: 844 };
  const pages: [string, string][] = [
    ['/', 'section.hosts tbody tr'],
    ['/graph?g0.expr=xss_test&g0.tab=0&g0.range_input=5m', '.chart-canvas canvas'],
    ['/alerts', '.alert-card'],
    ['/silences', '.tabs'],
    ['/notifications', 'tbody tr'],
    ['/rules', 'tbody tr'],
    ['/targets', 'tbody tr'],
    ['/status', 'pre.config'],
    ['/dashboards/host-overview', '.dash-panel canvas'],
  ];
  for (const [path, ready] of pages) {
    await open(path, `phone${path.replace(/\W+/g, '-')}`, phone);
    await page.locator(ready).first().waitFor();
    const width = await page.evaluate(() => {
      const d = (globalThis as any).document;
      return { page: d.scrollingElement.scrollWidth, screen: (globalThis as any).innerWidth };
    });
    assert.ok(width.page <= width.screen, `${path} is ${width.page}px wide on a ${width.screen}px screen`);
    assert.deepEqual(problems, [], path);
  }
  await shot('phone-dashboard');
  // The menu is folded into ☰; open it and follow a link with the keyboard alone.
  await open('/', 'phone-menu', phone);
  const alertsLink = page.locator('.nav a', { hasText: 'Alerts' });
  assert.equal(await alertsLink.isVisible(), false);
  await page.getByRole('button', { name: 'Menu' }).focus();
  await page.keyboard.press('Enter');
  await alertsLink.waitFor();
  for (
    let i = 0;
    i < 10 && (await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)) !== 'Alerts';
    i++
  ) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/alerts$/);
  await page.locator('.alert-card', { hasText: 'HighLatency' }).waitFor();
  assert.equal(await alertsLink.isVisible(), false, 'the menu folds again after navigating');
  await shot('phone-alerts');
  assert.deepEqual(problems, []);
});

test('performance figures: range query over ~100 series to chart, dashboard load', opts, async (t) => {
  // Start from a small result so that the measured run is the one that draws 100+ series.
  await open('/graph?g0.tab=0&g0.range_input=1h&g0.expr=up', 'perf-graph');
  await page.locator('.chart-canvas canvas').first().waitFor({ timeout: 20_000 });
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('{job=~"osprey|node"}');
  await page.keyboard.press('Escape');
  assert.equal(await text(page.locator('.cm-content')), '{job=~"osprey|node"}');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Execute' }).click();
  await page.waitForFunction(
    // A function, not a string: the UI's CSP forbids eval.
    () => {
      const d = (globalThis as any).document;
      return d.querySelectorAll('.legend li').length >= 100 && d.querySelector('.chart-canvas canvas') !== null;
    },
    undefined,
    { timeout: 20_000 },
  );
  const graphMs = Date.now() - t0;
  const series = await page.locator('.legend li').count();
  t.diagnostic(`1h range query over ${series} series, Execute to chart drawn: ${graphMs} ms`);

  await open('/dashboards', 'perf-dashboard');
  await page.locator('.dash-item', { hasText: 'Host overview' }).waitFor();
  const t1 = Date.now();
  await page.locator('.dash-item', { hasText: 'Host overview' }).click();
  await page.waitForFunction(
    () => {
      const d = (globalThis as any).document;
      return d.querySelectorAll('.dash-panel').length >= 12 && d.querySelectorAll('.dash-panel .loading').length === 0;
    },
    undefined,
    { timeout: 20_000 },
  );
  const dashMs = Date.now() - t1;
  const panels = await page.locator('.dash-panel').count();
  t.diagnostic(`dashboard with ${panels} panels, click to all panels rendered: ${dashMs} ms`);
  assert.ok(series >= 100, `only ${series} series`);
  // Generous bounds: these catch a pathological regression, not noise on a busy CI machine.
  assert.ok(graphMs < 10_000, `graph took ${graphMs} ms`);
  assert.ok(dashMs < 10_000, `dashboard took ${dashMs} ms`);
  assert.deepEqual(problems, []);
});
