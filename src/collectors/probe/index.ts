export {
  type DNSProbeConfig,
  type HTTPProbeConfig,
  type ICMPProbeConfig,
  loadProbeModulesFile,
  type ProbeModule,
  type ProbeModules,
  type ProberKind,
  type ProbeTLSConfig,
  parseProbeModules,
  type TCPProbeConfig,
} from './config.ts';
export { DEFAULT_PROBE_MODULES_YAML, defaultProbeModules } from './default-modules.ts';
export { createProbeHandler, type ProbeHandler, type ProbeQuery, type ProbeResponse } from './handler.ts';
export { type ProbeResult, probeTimeoutSeconds, runProbe } from './probe.ts';
export { compileSearchRegex, type SearchRegex } from './regex.ts';

import type { ProbeModules } from './config.ts';
import { defaultProbeModules } from './default-modules.ts';
import { type ProbeResult, runProbe } from './probe.ts';

/** Probes `target` with the named module (from `modules`, blackbox's example modules by default). Throws for an unknown module. */
export function probe(
  target: string,
  moduleName: string,
  scrapeTimeoutSeconds?: number,
  modules: ProbeModules = defaultProbeModules(),
): Promise<ProbeResult> {
  const m = modules.get(moduleName);
  if (m === undefined) throw new Error(`Unknown module "${moduleName}"`);
  return runProbe(target, m, scrapeTimeoutSeconds);
}
