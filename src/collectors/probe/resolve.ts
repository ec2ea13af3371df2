/**
 * Target address resolution with blackbox_exporter's preferred_ip_protocol / ip_protocol_fallback rules,
 * and the probe_ip_protocol, probe_ip_addr_hash and probe_dns_lookup_time_seconds gauges.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ProbeRegistry } from './registry.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
  /** Seconds spent resolving. */
  lookupSeconds: number;
}

export async function resolveTarget(
  registry: ProbeRegistry,
  host: string,
  preferred: 'ip4' | 'ip6',
  fallback: boolean,
): Promise<ResolvedAddress> {
  const protoGauge = registry.gauge('probe_ip_protocol', 'Specifies whether probe ip protocol is IP4 or IP6');
  const hashGauge = registry.gauge(
    'probe_ip_addr_hash',
    "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  );
  const lookupGauge = registry.gauge(
    'probe_dns_lookup_time_seconds',
    'Returns the time taken for probe dns lookup in seconds',
  );
  registry.log('info', 'Resolving target address', { target: host, ip_protocol: preferred });
  const start = performance.now();
  const done = () => {
    const s = (performance.now() - start) / 1000;
    lookupGauge.add(s);
    return s;
  };
  const want = preferred === 'ip4' ? 4 : 6;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let addrs: { address: string; family: number }[];
  try {
    addrs = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  } catch (e) {
    done();
    registry.log('error', 'Resolution with IP protocol failed', { target: host, err: e });
    throw e;
  }
  let chosen = addrs.find((a) => a.family === want);
  if (chosen === undefined && fallback) chosen = addrs[0];
  const seconds = done();
  if (chosen === undefined) {
    registry.log('error', 'Resolution with IP protocol failed', {
      target: host,
      err: 'unable to find ip; no fallback',
    });
    throw new Error('unable to find ip; no fallback');
  }
  const family = chosen.family === 6 ? 6 : 4;
  protoGauge.set(family);
  hashGauge.set(ipHash(chosen.address));
  registry.log('info', 'Resolved target address', { target: host, ip: chosen.address });
  return { address: chosen.address, family, lookupSeconds: seconds };
}

/** FNV-1a (32 bit) over the address bytes (4 for IPv4, 16 for IPv6), as blackbox_exporter hashes them. */
export function ipHash(address: string): number {
  const bytes = ipBytes(address);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function ipBytes(address: string): number[] {
  if (isIP(address) === 4) return address.split('.').map(Number);
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let a = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const p = v4[1].split('.').map(Number);
    a = `${a.slice(0, -v4[1].length)}${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...new Array(8 - hs.length - ts.length).fill('0'), ...ts];
  const out: number[] = [];
  for (const g of groups) {
    const n = Number.parseInt(g || '0', 16);
    out.push(n >> 8, n & 0xff);
  }
  return out;
}
