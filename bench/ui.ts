// UI timings in real Chromium against a live Osprey (the same set-up as test/ui.compat.test.ts):
// a 1h range query over 100+ series from Execute to chart drawn, and the "Host overview" dashboard
// (12+ panels) from click to all panels rendered. Median of RUNS.
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, startUiEnv } from '../test/ui-harness.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runUiBench(): Promise<void> {
  const env = await startUiEnv();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const graph: number[] = [];
    const dash: number[] = [];
    let series = 0;
    let panels = 0;
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${env.url}/graph?g0.tab=0&g0.range_input=1h&g0.expr=up`);
      await page.locator('.chart-canvas canvas').first().waitFor({ timeout: 20_000 });
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('{job=~"osprey|node"}');
      await page.keyboard.press('Escape');
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Execute' }).click();
      await page.waitForFunction(
        () => {
          const d = (globalThis as any).document;
          return d.querySelectorAll('.legend li').length >= 100 && d.querySelector('.chart-canvas canvas') !== null;
        },
        undefined,
        { timeout: 20_000 },
      );
      graph.push(performance.now() - t0);
      series = await page.locator('.legend li').count();

      await page.goto(`${env.url}/dashboards`);
      await page.locator('.dash-item', { hasText: 'Host overview' }).waitFor();
      const t1 = performance.now();
      await page.locator('.dash-item', { hasText: 'Host overview' }).click();
      await page.waitForFunction(
        () => {
          const d = (globalThis as any).document;
          return (
            d.querySelectorAll('.dash-panel').length >= 12 && d.querySelectorAll('.dash-panel .loading').length === 0
          );
        },
        undefined,
        { timeout: 20_000 },
      );
      dash.push(performance.now() - t1);
      panels = await page.locator('.dash-panel').count();
    }
    console.log(`1h range query over ${series} series, Execute to chart drawn: median ${median(graph).toFixed(0)} ms`);
    console.log(
      `"Host overview" dashboard (${panels} panels), click to all rendered: median ${median(dash).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runUiBench();
