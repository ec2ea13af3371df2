/**
 * blackbox_exporter's tcp prober: connect (optionally with TLS), then walk query_response: wait for a line
 * matching `expect` (unanchored RE2; its groups expand `${1}` in `send`), send lines, upgrade with STARTTLS.
 */
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { TCPProbeConfig } from './config.ts';
import type { ProbeContext } from './registry.ts';
import { resolveTarget } from './resolve.ts';
import { recordTLSMetrics, tlsOptions } from './tls-info.ts';

/** Go's bufio.Scanner default token limit. */
const MAX_LINE = 64 * 1024;

export async function probeTCP(target: string, cfg: TCPProbeConfig, ctx: ProbeContext): Promise<boolean> {
  const { registry } = ctx;
  const regexG = registry.gauge('probe_failed_due_to_regex', 'Indicates if probe failed due to regex');
  const hp = splitHostPort(target);
  if (hp === null) {
    registry.log('error', 'Error splitting target address and port', {
      err: `address ${target}: missing port in address`,
    });
    return false;
  }
  let address: string;
  try {
    address = (await resolveTarget(registry, hp.host, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback)).address;
  } catch {
    return false;
  }
  registry.log('info', 'Dialing TCP without TLS', { address });
  let socket: Socket;
  try {
    socket = await connect(
      address,
      hp.port,
      cfg.tls ? { ...tlsOptions(cfg.tls_config, hp.host) } : undefined,
      ctx.signal,
    );
  } catch (e) {
    registry.log('error', 'Error dialing TCP', { err: e });
    return false;
  }
  try {
    if (cfg.tls) recordTLSMetrics(registry, socket as TLSSocket);
    let reader = new LineReader(socket);
    for (let i = 0; i < cfg.query_response.length; i++) {
      const qr = cfg.query_response[i];
      registry.log('info', 'Processing query response entry', { entry_number: i });
      let groups: string[] | null = null;
      if (qr.expect !== undefined) {
        registry.log('debug', 'Expecting response', { expect: qr.expect.source });
        for (;;) {
          const line = await reader.next(ctx.signal);
          if (line === null) break;
          registry.log('debug', 'Read line', { line });
          groups = qr.expect.exec(line);
          if (groups !== null) break;
        }
        if (reader.error !== undefined) {
          registry.log('error', 'Error reading from connection', { err: reader.error });
          return false;
        }
        if (groups === null) {
          regexG.set(1);
          registry.log('error', 'Regexp did not match', { regexp: qr.expect.source });
          return false;
        }
        regexG.set(0);
      }
      if (qr.send) {
        const send = qr.expect !== undefined && groups !== null ? qr.expect.expand(qr.send, groups) : qr.send;
        registry.log('debug', 'Sending line', { line: send });
        socket.write(`${send}\n`);
      }
      if (qr.starttls) {
        reader.detach();
        try {
          socket = await upgrade(socket, { ...tlsOptions(cfg.tls_config, hp.host) }, ctx.signal);
        } catch (e) {
          registry.log('error', 'TLS Handshake (client) failed', { err: e });
          return false;
        }
        recordTLSMetrics(registry, socket as TLSSocket);
        reader = new LineReader(socket);
      }
    }
    return true;
  } finally {
    socket.destroy();
  }
}

export function splitHostPort(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(s);
  if (!m) return null;
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

function connect(
  host: string,
  port: number,
  tlsOpts: tls.ConnectionOptions | undefined,
  signal: AbortSignal,
  localAddress?: string,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // tls.connect's types lack localAddress, which it passes on to net.connect.
    const s = tlsOpts
      ? tls.connect({ ...tlsOpts, host, port, ...(localAddress ? { localAddress } : {}) } as tls.ConnectionOptions)
      : net.connect({ host, port, localAddress });
    const onAbort = () => s.destroy(new Error('context deadline exceeded'));
    signal.addEventListener('abort', onAbort, { once: true });
    s.once(tlsOpts ? 'secureConnect' : 'connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(s);
    });
    s.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

function upgrade(socket: Socket, opts: tls.ConnectionOptions, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ ...opts, socket });
    const onAbort = () => s.destroy(new Error('context deadline exceeded'));
    signal.addEventListener('abort', onAbort, { once: true });
    s.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Lines from a socket, like bufio.Scanner with ScanLines (\n or \r\n stripped; a last line without \n counts). */
class LineReader {
  private buf = '';
  private ended = false;
  error: Error | undefined;
  private waiter: (() => void) | null = null;
  private readonly onData = (d: Buffer) => {
    this.buf += d.toString('utf8');
    this.wake();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake();
  };
  private readonly onError = (e: Error) => {
    this.error = e;
    this.ended = true;
    this.wake();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async next(signal: AbortSignal): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        let line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        return line;
      }
      if (this.buf.length > MAX_LINE) {
        this.error = new Error('bufio.Scanner: token too long');
        return null;
      }
      if (this.ended) {
        if (this.buf.length > 0) {
          const line = this.buf;
          this.buf = '';
          return line;
        }
        return null;
      }
      if (signal.aborted) {
        this.error = new Error('i/o timeout');
        return null;
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.waiter = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
