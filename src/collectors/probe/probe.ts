/**
 * One probe: run a module's prober against a target within the module's timeout (bounded by the scrape
 * timeout, as blackbox_exporter does) and return blackbox's metric families plus the probe's log.
 */
import type { MetricFamily } from '../../exposition/types.ts';
import type { ProbeModule } from './config.ts';
import { probeDNS } from './dns-prober.ts';
import { probeHTTP } from './http-prober.ts';
import { probeICMP } from './icmp-prober.ts';
import { type ProbeContext, ProbeRegistry } from './registry.ts';
import { probeTCP } from './tcp-prober.ts';

export interface ProbeResult {
  success: boolean;
  durationSeconds: number;
  families: MetricFamily[];
  /** logfmt lines, as blackbox shows them with debug=true. */
  logs: string[];
}

/** Default scrape timeout when the scraper sends none (blackbox: 120s). */
const DEFAULT_SCRAPE_TIMEOUT_S = 120;
/** Headroom left for the scraper (blackbox's --timeout-offset default). */
const TIMEOUT_OFFSET_S = 0.5;

/** The time a probe may take: the module timeout, unless the scrape timeout minus the offset is shorter. */
export function probeTimeoutSeconds(module: ProbeModule, scrapeTimeoutSeconds?: number): number {
  const scrape = scrapeTimeoutSeconds && scrapeTimeoutSeconds > 0 ? scrapeTimeoutSeconds : DEFAULT_SCRAPE_TIMEOUT_S;
  const max = scrape - TIMEOUT_OFFSET_S;
  const mod = module.timeout / 1000;
  if ((mod > 0 && mod < max) || max < 0) return mod;
  return max;
}

export async function runProbe(
  target: string,
  module: ProbeModule,
  scrapeTimeoutSeconds?: number,
): Promise<ProbeResult> {
  const registry = new ProbeRegistry();
  const successG = registry.gauge('probe_success', 'Displays whether or not the probe was a success');
  const durationG = registry.gauge('probe_duration_seconds', 'Returns how long the probe took to complete in seconds');
  const timeoutS = probeTimeoutSeconds(module, scrapeTimeoutSeconds);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, timeoutS * 1000));
  const ctx: ProbeContext = { registry, signal: controller.signal, deadline: Date.now() + timeoutS * 1000 };
  registry.log('info', 'Beginning probe', { probe: module.prober, timeout_seconds: timeoutS });
  const start = performance.now();
  let success = false;
  try {
    const run = runProber(target, module, ctx);
    // A prober that ignores the signal still cannot outlive the deadline.
    const deadline = new Promise<boolean>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(false)),
    );
    success = await Promise.race([run, deadline]);
    if (controller.signal.aborted) registry.log('error', 'Probe timed out', { timeout_seconds: timeoutS });
  } catch (e) {
    registry.log('error', 'Probe failed with an error', { err: e });
    success = false;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const seconds = (performance.now() - start) / 1000;
  durationG.set(seconds);
  successG.set(success ? 1 : 0);
  registry.log('info', success ? 'Probe succeeded' : 'Probe failed', { duration_seconds: seconds });
  return { success, durationSeconds: seconds, families: registry.result(), logs: registry.logs };
}

function runProber(target: string, module: ProbeModule, ctx: ProbeContext): Promise<boolean> {
  switch (module.prober) {
    case 'http':
      return probeHTTP(target, module.http, ctx);
    case 'tcp':
      return probeTCP(target, module.tcp, ctx);
    case 'dns':
      return probeDNS(target, module.dns, ctx);
    case 'icmp':
      return probeICMP(target, module.icmp, ctx);
    case 'grpc':
      ctx.registry.log('error', 'The grpc prober is not implemented in Osprey');
      return Promise.resolve(false);
  }
}
