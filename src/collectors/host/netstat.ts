import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_exporter's default --collector.netstat.fields. */
export const DEFAULT_NETSTAT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

/** /proc/net/netstat and /proc/net/snmp: pairs of "Proto: names..." / "Proto: values..." lines. */
export function parsePairedStats(text: string, into: Map<string, string>): void {
  const all = lines(text);
  for (let i = 0; i + 1 < all.length; i += 2) {
    const names = fields(all[i]);
    const values = fields(all[i + 1]);
    if (names.length === 0 || names[0] !== values[0])
      throw new Error(`netstat: mismatched lines ${i + 1} and ${i + 2}`);
    const proto = names[0].slice(0, -1);
    for (let j = 1; j < names.length && j < values.length; j++) into.set(`${proto}_${names[j]}`, values[j]);
  }
}

/** /proc/net/snmp6: "Ip6InReceives 1" lines; the protocol is the name up to and including its first "6". */
export function parseSnmp6(text: string, into: Map<string, string>): void {
  for (const line of lines(text)) {
    const f = fields(line);
    if (f.length !== 2) continue;
    const six = f[0].indexOf('6');
    if (six < 0) continue;
    into.set(`${f[0].slice(0, six + 1)}_${f[0].slice(six + 1)}`, f[1]);
  }
}

/** Selected network protocol counters as untyped node_netstat_<Proto>_<Field>. */
export function createNetstatCollector(include: RegExp = DEFAULT_NETSTAT_FIELDS): SubCollector {
  return {
    name: 'netstat',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const [netstat, snmp, snmp6] = await Promise.all([
        ctx.read(ctx.proc('net/netstat')),
        ctx.read(ctx.proc('net/snmp')),
        ctx.readOptional(ctx.proc('net/snmp6')),
      ]);
      const stats = new Map<string, string>();
      parsePairedStats(netstat, stats);
      parsePairedStats(snmp, stats);
      if (snmp6 !== undefined) parseSnmp6(snmp6, stats);
      for (const [key, value] of stats) {
        if (!include.test(key)) continue;
        const v = Number(value);
        if (value === '' || Number.isNaN(v)) continue;
        out.untyped(`node_netstat_${key}`, `Statistic ${key.replace('_', '')}.`, v);
      }
    },
  };
}
