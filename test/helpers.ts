import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { validateFlags } from '../src/cli/flags.ts';
import { OspreyServer } from '../src/server.ts';

export function tempDir(prefix = 'osprey-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An HTTP server on 127.0.0.1 with a handler that can be swapped during a test. */
export async function startHttp(
  handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; url: string; address: string; setHandler: (h: typeof handler) => void }> {
  let h = handler;
  const server = createServer((req, res) => h(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, address: `127.0.0.1:${port}`, setHandler: (x) => (h = x) };
}

export async function startOsprey(
  configYaml: string | null,
  extraFlags: Record<string, string> = {},
  options: ConstructorParameters<typeof OspreyServer>[2] = {},
) {
  const dir = tempDir();
  const flags: Record<string, string> = {
    'web.listen-address': '127.0.0.1:0',
    'storage.tsdb.path': join(dir, 'data'),
    'web.enable-lifecycle': 'true',
    ...extraFlags,
  };
  let configFile = '';
  if (configYaml !== null) {
    configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, configYaml);
    flags['config.file'] = configFile;
  }
  const server = new OspreyServer(validateFlags(flags), pino({ level: 'silent' }), options);
  await server.start();
  return { server, url: server.address, configFile, dir };
}

export async function getJSON(url: string, init?: RequestInit): Promise<{ status: number; json: any }> {
  const r = await fetch(url, init);
  const text = await r.text();
  try {
    return { status: r.status, json: JSON.parse(text) };
  } catch {
    return { status: r.status, json: { raw: text } };
  }
}

/** Polls fn until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/**
 * How long the remote-write receivers stay down in the outage tests: a few minutes, as a real outage would, so
 * the queues spend most of it at their longest backoff. OSPREY_RW_OUTAGE_MS shortens it when iterating.
 */
export const RW_OUTAGE_MS = Number(process.env.OSPREY_RW_OUTAGE_MS ?? 150_000);
