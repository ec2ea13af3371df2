import { chromium } from 'playwright-core';
import { startUiEnv } from './ui-harness.ts';
const env = await startUiEnv();
const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
await p.goto(env.url + '/alerts');
await p.waitForTimeout(1500);
await p.screenshot({ path: '/tmp/s-alerts.png', fullPage: true });
await p.goto(env.url + '/notifications');
await p.waitForTimeout(1000);
await p.screenshot({ path: '/tmp/s-notif.png', fullPage: true });
await p.goto(env.url + '/dashboards/host-overview');
await p.waitForTimeout(2500);
await p.screenshot({ path: '/tmp/s-host.png', fullPage: true });
await p.evaluate("localStorage.setItem('osprey.theme','dark')");
await p.goto(
  env.url + '/graph?g0.expr=rate(demo_requests_total[10s])&g0.tab=0&g0.range_input=1m&g0.stacked=1&g1.expr=up&g1.tab=1',
);
await p.waitForTimeout(2500);
await p.screenshot({ path: '/tmp/s-dark.png', fullPage: true });
const m = await b.newPage({ viewport: { width: 390, height: 800 } });
await m.goto(env.url + '/');
await m.waitForTimeout(1500);
await m.screenshot({ path: '/tmp/s-mobile.png', fullPage: true });
await b.close();
await env.close();
