import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BitReader } from './bit-stream.ts';
import { ENCODING_XOR, XorChunk, XorIterator } from './xor-chunk.ts';

/**
 * Bit-compatibility with the real Prometheus: `promtool tsdb create-blocks-from openmetrics` writes a block;
 * every XOR chunk in its chunks file must decode to the input samples, and re-encoding them with XorChunk must
 * give the same bytes.
 */

const dir = mkdtempSync(join(tmpdir(), 'osprey-xor-compat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function bits(v: number): string {
  f64[0] = v;
  return `${u32[1].toString(16)}:${u32[0].toString(16)}`;
}

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Input {
  text: string;
  samples: string[];
}

function makeInput(): Input {
  const r = rng(42);
  const lines = ['# TYPE m gauge'];
  const samples: string[] = [];
  const t0 = 1_700_000_000_000;
  for (let s = 0; s < 6; s++) {
    let t = t0 + s * 7;
    let counter = 0;
    for (let i = 0; i < 400; i++) {
      // steady 15s, ms jitter, and occasional large gaps to reach every delta-of-delta bucket
      const k = r();
      t +=
        k < 0.6
          ? 15_000
          : k < 0.8
            ? 15_000 + Math.floor(r() * 200) - 100
            : k < 0.9
              ? 100_000
              : k < 0.97
                ? 3_000
                : 1_000_000;
      let v: number;
      switch (s) {
        case 0:
          v = 1;
          break;
        case 1:
          counter += Math.floor(r() * 100);
          v = counter;
          break;
        case 2:
          v = Math.round(r() * 1e6) / 1000;
          break;
        case 3:
          v = (r() - 0.5) * 1e300;
          break;
        case 4:
          v = i % 13 === 0 ? Number.NaN : i % 17 === 0 ? Number.POSITIVE_INFINITY : r();
          break;
        default:
          v = i % 2 === 0 ? 0 : -(2 ** Math.floor(r() * 60));
      }
      const vs = Number.isNaN(v) ? 'NaN' : v === Number.POSITIVE_INFINITY ? '+Inf' : String(v);
      lines.push(`m{s="${s}"} ${vs} ${(t / 1000).toFixed(3)}`);
      samples.push(`${t} ${Number.isNaN(v) ? 'NaN' : bits(v)}`);
    }
  }
  lines.push('# EOF');
  return { text: `${lines.join('\n')}\n`, samples };
}

function readChunks(file: Buffer): { encoding: number; data: Uint8Array }[] {
  assert.equal(file.readUInt32BE(0), 0x85bd40dd, 'chunks file magic');
  assert.equal(file[4], 1, 'chunks file version');
  const out: { encoding: number; data: Uint8Array }[] = [];
  let pos = 8;
  while (pos < file.length) {
    const r = new BitReader(file, pos * 8);
    const len = r.readUvarint();
    pos = r.pos / 8;
    const encoding = file[pos];
    const data = new Uint8Array(file.subarray(pos + 1, pos + 1 + len));
    out.push({ encoding, data });
    pos += 1 + len + 4; // encoding byte, data, CRC32C
  }
  return out;
}

const promtool = spawnSync('promtool', ['--version']);

describe('XOR chunks written by promtool', { skip: promtool.error ? 'promtool not installed' : false }, () => {
  it('decode to the input samples and re-encode to identical bytes', () => {
    const input = makeInput();
    writeFileSync(join(dir, 'in.om'), input.text);
    const res = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', 'in.om', 'out'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    const decoded: string[] = [];
    let chunks = 0;
    for (const block of readdirSync(join(dir, 'out'))) {
      const cdir = join(dir, 'out', block, 'chunks');
      for (const f of readdirSync(cdir)) {
        for (const c of readChunks(readFileSync(join(cdir, f)))) {
          assert.equal(c.encoding, ENCODING_XOR);
          chunks++;
          const it = new XorIterator();
          it.reset(c.data, -1, c.data.length * 8);
          const again = new XorChunk();
          while (it.next()) {
            decoded.push(`${it.t} ${Number.isNaN(it.v) ? 'NaN' : bits(it.v)}`);
            again.append(it.t, it.v);
          }
          assert.equal(Buffer.from(again.bytes()).toString('hex'), Buffer.from(c.data).toString('hex'));
        }
      }
    }
    assert.ok(chunks > 20, `only ${chunks} chunks`);
    assert.deepEqual(decoded.sort(), input.samples.sort());
  });
});
