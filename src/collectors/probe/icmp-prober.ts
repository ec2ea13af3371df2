/**
 * blackbox_exporter's icmp prober. Node cannot open raw or ICMP datagram sockets, so the echo is sent by
 * the system `ping` binary when one is installed; without it the probe fails (probe_success 0) and says
 * why in the probe log (visible with debug=true).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ICMPProbeConfig } from './config.ts';
import type { ProbeContext } from './registry.ts';
import { resolveTarget } from './resolve.ts';

/** Overridable for tests: the ping binary to use, or null to look it up on PATH. */
export const icmpSettings: { pingPath: string | null | undefined } = { pingPath: undefined };

export function findPing(): string | null {
  if (icmpSettings.pingPath !== undefined) return icmpSettings.pingPath;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/bin', '/usr/bin', '/sbin', '/usr/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'ping');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export async function probeICMP(target: string, cfg: ICMPProbeConfig, ctx: ProbeContext): Promise<boolean> {
  const { registry } = ctx;
  const phases = registry.gaugeVec('probe_icmp_duration_seconds', 'Duration of icmp request by phase', ['phase']);
  for (const p of ['resolve', 'setup', 'rtt']) phases.with(p);
  let address: string;
  let family: 4 | 6;
  try {
    const r = await resolveTarget(registry, target, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback);
    phases.with('resolve').add(r.lookupSeconds);
    address = r.address;
    family = r.family;
  } catch {
    return false;
  }
  const setupStart = performance.now();
  const ping = findPing();
  if (ping === null) {
    registry.log(
      'error',
      'ICMP probes need raw sockets, which Node.js cannot open, or a `ping` binary on PATH; none found',
    );
    return false;
  }
  const waitS = Math.max(1, Math.ceil((ctx.deadline - Date.now()) / 1000));
  const args = ['-n', '-c', '1', '-W', String(waitS), family === 6 ? '-6' : '-4'];
  if (cfg.ttl > 0) args.push('-t', String(cfg.ttl));
  if (cfg.payload_size > 0) args.push('-s', String(cfg.payload_size));
  if (cfg.dont_fragment && family === 4) args.push('-M', 'do');
  if (cfg.source_ip_address) args.push('-I', cfg.source_ip_address);
  args.push(address);
  registry.log('info', 'Running ping', { command: `${ping} ${args.join(' ')}` });
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      ping,
      args,
      { signal: ctx.signal, timeout: Math.max(1, ctx.deadline - Date.now()) },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
  phases.with('setup').add((performance.now() - setupStart) / 1000);
  const m = /ttl=(\d+)[^\n]*time[=<]([\d.]+) ms/.exec(out.stdout);
  if (out.code !== 0 || m === null) {
    registry.log('error', 'No ICMP echo reply', { output: (out.stdout + out.stderr).trim() });
    return false;
  }
  // ping reports the round trip itself; the rest of the process run time counts as setup.
  const rtt = Number(m[2]) / 1000;
  phases.with('rtt').set(rtt);
  phases.with('setup').add(-rtt);
  registry.gauge('probe_icmp_reply_hop_limit', 'Replied packet hop limit (TTL for ipv4)').set(Number(m[1]));
  registry.log('info', 'Found matching reply packet');
  return true;
}
