/**
 * Just enough of the DNS wire format (RFC 1035) for the dns prober: build one query, parse a response's
 * header and records, and print records the way miekg/dns's RR.String() does (blackbox matches its
 * validate_*_rrs regexes against that text).
 */
export const RR_TYPES: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  ANY: 255,
  CAA: 257,
};
const TYPE_NAMES = new Map(Object.entries(RR_TYPES).map(([k, v]) => [v, k]));

export const CLASSES: Record<string, number> = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 };
const CLASS_NAMES = new Map(Object.entries(CLASSES).map(([k, v]) => [v, k]));

export const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
};

export interface DNSRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Parsed rdata fields for the types the prober needs (SOA serial). */
  serial?: number;
  /** miekg/dns-style presentation. */
  text: string;
}

export interface DNSMessage {
  id: number;
  rcode: number;
  answer: DNSRecord[];
  authority: DNSRecord[];
  additional: DNSRecord[];
}

export function encodeQuery(id: number, name: string, type: number, klass: number, recursionDesired: boolean): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l !== '');
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(recursionDesired ? 0x0100 : 0, 2);
  head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(klass, 2);
  return Buffer.concat([head, qname, tail]);
}

export function decodeMessage(buf: Buffer): DNSMessage {
  if (buf.length < 12) throw new Error('dns: short message');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let off = 12;
  for (let i = 0; i < qd; i++) {
    off = readName(buf, off).next + 4;
  }
  const section = (n: number): DNSRecord[] => {
    const out: DNSRecord[] = [];
    for (let i = 0; i < n; i++) {
      const r = readRecord(buf, off);
      off = r.next;
      out.push(r.rec);
    }
    return out;
  };
  const answer = section(an);
  const authority = section(ns);
  const additional = section(ar);
  return { id, rcode: flags & 0xf, answer, authority, additional };
}

function readName(buf: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let off = start;
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) throw new Error('dns: name out of range');
    const len = buf[off];
    if (len === 0) {
      if (next < 0) next = off + 1;
      return { name: labels.length === 0 ? '.' : `${labels.join('.')}.`, next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (next < 0) next = off + 2;
      off = ((len & 0x3f) << 8) | buf[off + 1];
      continue;
    }
    labels.push(escapeLabel(buf.subarray(off + 1, off + 1 + len)));
    off += 1 + len;
  }
  throw new Error('dns: too many compression pointers');
}

function escapeLabel(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (
      c === 0x2e ||
      c === 0x5c ||
      c === 0x22 ||
      c === 0x28 ||
      c === 0x29 ||
      c === 0x3b ||
      c === 0x20 ||
      c === 0x40 ||
      c === 0x24
    )
      s += `\\${String.fromCharCode(c)}`;
    else if (c < 0x21 || c > 0x7e) s += `\\${c.toString().padStart(3, '0')}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

function readRecord(buf: Buffer, start: number): { rec: DNSRecord; next: number } {
  const { name, next: afterName } = readName(buf, start);
  let off = afterName;
  const type = buf.readUInt16BE(off);
  const klass = buf.readUInt16BE(off + 2);
  const ttl = buf.readUInt32BE(off + 4);
  const rdlen = buf.readUInt16BE(off + 8);
  off += 10;
  const rd = off;
  const end = rd + rdlen;
  if (end > buf.length) throw new Error('dns: rdata out of range');
  let data: string;
  let serial: number | undefined;
  switch (type) {
    case 1:
      data = [...buf.subarray(rd, rd + 4)].join('.');
      break;
    case 28:
      data = formatIPv6(buf.subarray(rd, rd + 16));
      break;
    case 2:
    case 5:
    case 12:
      data = readName(buf, rd).name;
      break;
    case 15:
      data = `${buf.readUInt16BE(rd)} ${readName(buf, rd + 2).name}`;
      break;
    case 33:
      data = `${buf.readUInt16BE(rd)} ${buf.readUInt16BE(rd + 2)} ${buf.readUInt16BE(rd + 4)} ${readName(buf, rd + 6).name}`;
      break;
    case 6: {
      const m = readName(buf, rd);
      const r = readName(buf, m.next);
      const o = r.next;
      serial = buf.readUInt32BE(o);
      const nums = [0, 4, 8, 12, 16].map((k) => buf.readUInt32BE(o + k));
      data = `${m.name} ${r.name} ${nums.join(' ')}`;
      break;
    }
    case 16: {
      const parts: string[] = [];
      let p = rd;
      while (p < end) {
        const l = buf[p];
        parts.push(`"${txtEscape(buf.subarray(p + 1, p + 1 + l))}"`);
        p += 1 + l;
      }
      data = parts.join(' ');
      break;
    }
    default:
      data = `\\# ${rdlen}${rdlen > 0 ? ` ${buf.subarray(rd, end).toString('hex')}` : ''}`;
  }
  const typeName = TYPE_NAMES.get(type) ?? `TYPE${type}`;
  const className = CLASS_NAMES.get(klass) ?? `CLASS${klass}`;
  return {
    rec: { name, type, class: klass, ttl, serial, text: `${name}\t${ttl}\t${className}\t${typeName}\t${data}` },
    next: end,
  };
}

function txtEscape(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c > 0x7e) s += `\\${c.toString().padStart(3, '0')}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/** RFC 5952 text form (as Go's net.IP.String()). */
function formatIPv6(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
