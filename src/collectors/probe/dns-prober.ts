/**
 * blackbox_exporter's dns prober: one query to the target server over UDP or TCP, then rcode and
 * answer/authority/additional validation. A small wire client (dns-wire.ts) rather than node:dns,
 * because the prober needs the rcode, all three sections and their text form.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { DNSProbeConfig, RRValidator } from './config.ts';
import { CLASSES, type DNSMessage, type DNSRecord, decodeMessage, encodeQuery, RCODES, RR_TYPES } from './dns-wire.ts';
import type { ProbeContext, ProbeRegistry } from './registry.ts';
import { resolveTarget } from './resolve.ts';
import { splitHostPort } from './tcp-prober.ts';

export async function probeDNS(target: string, cfg: DNSProbeConfig, ctx: ProbeContext): Promise<boolean> {
  const { registry } = ctx;
  const phases = registry.gaugeVec('probe_dns_duration_seconds', 'Duration of DNS request by phase', ['phase']);
  for (const p of ['resolve', 'connect', 'request']) phases.with(p);
  const answerG = registry.gauge(
    'probe_dns_answer_rrs',
    'Returns number of entries in the answer resource record list',
  );
  const authorityG = registry.gauge(
    'probe_dns_authority_rrs',
    'Returns number of entries in the authority resource record list',
  );
  const additionalG = registry.gauge(
    'probe_dns_additional_rrs',
    'Returns number of entries in the additional resource record list',
  );
  const succeededG = registry.gauge(
    'probe_dns_query_succeeded',
    'Displays whether or not the query was executed successfully',
  );

  const hp = splitHostPort(target) ?? { host: target, port: 53 };
  let address: string;
  try {
    const r = await resolveTarget(registry, hp.host, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback);
    phases.with('resolve').add(r.lookupSeconds);
    address = r.address;
  } catch {
    return false;
  }
  const qtype = RR_TYPES[cfg.query_type];
  const qclass = CLASSES[cfg.query_class] ?? 1;
  const id = randomInt(0, 0x10000);
  const query = encodeQuery(id, cfg.query_name, qtype, qclass, cfg.recursion_desired);
  registry.log('info', 'Making DNS query', { target: `${address}:${hp.port}`, dial_protocol: cfg.transport_protocol });
  const start = performance.now();
  let response: DNSMessage;
  try {
    const ex =
      cfg.transport_protocol === 'tcp'
        ? await exchangeTCP(address, hp.port, query, ctx.signal, cfg.source_ip_address)
        : await exchangeUDP(address, hp.port, query, id, ctx.signal, cfg.source_ip_address);
    phases.with('connect').set((ex.rttStart - start) / 1000);
    phases.with('request').set((performance.now() - ex.rttStart) / 1000);
    response = decodeMessage(ex.reply);
  } catch (e) {
    phases.with('connect').set((performance.now() - start) / 1000);
    registry.log('error', 'Error while sending a DNS query', { err: e });
    return false;
  }
  registry.log('info', 'Got response', { rcode: response.rcode, answers: response.answer.length });
  answerG.set(response.answer.length);
  authorityG.set(response.authority.length);
  additionalG.set(response.additional.length);
  succeededG.set(1);
  if (cfg.query_type === 'SOA') {
    const serialG = registry.gauge('probe_dns_serial', 'Returns the serial number of the zone');
    for (const a of response.answer) if (a.serial !== undefined) serialG.set(a.serial);
  }
  const valid = cfg.valid_rcodes.map((n) => RCODES[n.toUpperCase()]);
  if (!valid.includes(response.rcode)) {
    registry.log('error', 'Rcode is not one of the valid rcodes', {
      string_rcode: response.rcode,
      valid_rcodes: cfg.valid_rcodes,
    });
    return false;
  }
  registry.log('info', 'Validating Answer RRs');
  if (!validRRs(response.answer, cfg.validate_answer_rrs, registry)) return false;
  registry.log('info', 'Validating Authority RRs');
  if (!validRRs(response.authority, cfg.validate_authority_rrs, registry)) return false;
  registry.log('info', 'Validating Additional RRs');
  return validRRs(response.additional, cfg.validate_additional_rrs, registry);
}

export function validRRs(rrs: DNSRecord[], v: RRValidator, registry: ProbeRegistry): boolean {
  if (rrs.length === 0 && (v.fail_if_not_matches_regexp.length > 0 || v.fail_if_none_matches_regexp.length > 0)) {
    registry.log('error', 'fail_if_not_matches_regexp or fail_if_none_matches_regexp specified but no RRs returned');
    return false;
  }
  let anyMatch = false;
  let allMatch = true;
  for (const rr of rrs) {
    registry.log('info', 'Validating RR', { rr: rr.text });
    for (const re of v.fail_if_matches_regexp) {
      if (re.test(rr.text)) {
        registry.log('error', 'At least one RR matched regexp', { regexp: re.source, rr: rr.text });
        return false;
      }
    }
    for (const re of v.fail_if_all_match_regexp) if (!re.test(rr.text)) allMatch = false;
    for (const re of v.fail_if_not_matches_regexp) {
      if (!re.test(rr.text)) {
        registry.log('error', 'At least one RR did not match regexp', { regexp: re.source, rr: rr.text });
        return false;
      }
    }
    for (const re of v.fail_if_none_matches_regexp) if (re.test(rr.text)) anyMatch = true;
  }
  if (v.fail_if_all_match_regexp.length > 0 && allMatch) {
    registry.log('error', 'All RRs matched regexp');
    return false;
  }
  if (v.fail_if_none_matches_regexp.length > 0 && !anyMatch) {
    registry.log('error', 'None of the RRs did matched any regexp');
    return false;
  }
  return true;
}

interface Exchange {
  reply: Buffer;
  /** When the query left (after the socket was ready). */
  rttStart: number;
}

function exchangeUDP(
  host: string,
  port: number,
  query: Buffer,
  id: number,
  signal: AbortSignal,
  localAddress?: string,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let rttStart = 0;
    const finish = (err: Error | null, reply?: Buffer) => {
      signal.removeEventListener('abort', onAbort);
      sock.close();
      if (err) reject(err);
      else resolve({ reply: reply!, rttStart });
    };
    const onAbort = () => finish(new Error('i/o timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (e) => finish(e));
    sock.on('message', (msg) => {
      // Ignore stray datagrams (another id), as a resolver must.
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(null, msg);
    });
    const go = () =>
      sock.connect(port, host, () => {
        rttStart = performance.now();
        sock.send(query);
      });
    if (localAddress) sock.bind(0, localAddress, go);
    else go();
  });
}

function exchangeTCP(
  host: string,
  port: number,
  query: Buffer,
  signal: AbortSignal,
  localAddress?: string,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, localAddress });
    let rttStart = 0;
    let buf = Buffer.alloc(0);
    const finish = (err: Error | null, reply?: Buffer) => {
      signal.removeEventListener('abort', onAbort);
      s.destroy();
      if (err) reject(err);
      else resolve({ reply: reply!, rttStart });
    };
    const onAbort = () => finish(new Error('i/o timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    s.on('error', (e) => finish(e));
    s.on('connect', () => {
      rttStart = performance.now();
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      s.write(Buffer.concat([len, query]));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
        finish(null, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    s.on('end', () => finish(new Error('EOF')));
  });
}
