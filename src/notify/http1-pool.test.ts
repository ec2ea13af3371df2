/** The notification HTTP/1.1 client against real node:http servers on loopback. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { Http1Pool, MAX_RESPONSE_BODY_BYTES } from './http1-pool.ts';

interface TestServer {
  server: Server;
  port: number;
  connections: number;
  /** most sockets open at once */
  peak: number;
  close(): Promise<void>;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const t: TestServer = {
    server,
    port: 0,
    connections: 0,
    peak: 0,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  let open = 0;
  server.on('connection', (s: Socket) => {
    t.connections++;
    t.peak = Math.max(t.peak, ++open);
    s.on('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.port = (server.address() as AddressInfo).port;
  return t;
}

const pool = (port: number, max = 8) => new Http1Pool('http:', '127.0.0.1', port, {}, max);

test('POSTs the body with host and content-length, and reads status, headers and body', async () => {
  const s = await serve((req, res, body) => {
    res.setHeader('x-echo-host', req.headers.host ?? '');
    res.setHeader('x-echo-length', req.headers['content-length'] ?? '');
    res.setHeader('x-echo-type', req.headers['content-type'] ?? '');
    res.statusCode = 201;
    res.end(`got ${req.method} ${req.url} ${body}`);
  });
  try {
    const p = pool(s.port);
    const r = await p.request({
      method: 'POST',
      path: '/hook?x=1',
      headers: { 'content-type': 'application/json' },
      body: '{"ü":1}',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body, 'got POST /hook?x=1 {"ü":1}');
    assert.equal(r.headers.get('X-Echo-Host'), `127.0.0.1:${s.port}`);
    assert.equal(r.headers.get('x-echo-length'), String(Buffer.byteLength('{"ü":1}')));
    assert.equal(r.headers.get('x-echo-type'), 'application/json');
    p.close();
  } finally {
    await s.close();
  }
});

test('sequential requests reuse one kept-alive connection; concurrent ones stay within the limit', async () => {
  const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 5));
  try {
    const p = pool(s.port, 4);
    for (let i = 0; i < 10; i++)
      assert.equal((await p.request({ method: 'POST', path: '/', headers: {}, body: 'x' })).body, 'ok');
    assert.equal(s.connections, 1);
    const all = await Promise.all(
      Array.from({ length: 40 }, () => p.request({ method: 'POST', path: '/', headers: {}, body: 'x' })),
    );
    assert.ok(all.every((r) => r.status === 200));
    assert.ok(s.peak <= 4, `peak ${s.peak} connections`);
    p.close();
  } finally {
    await s.close();
  }
});

test('chunked responses are read whole', async () => {
  const s = await serve((_req, res) => {
    res.write('part one, ');
    setTimeout(() => res.end('part two'), 10);
  });
  try {
    const p = pool(s.port);
    const r = await p.request({ method: 'GET', path: '/', headers: {} });
    assert.equal(r.headers.get('transfer-encoding'), 'chunked');
    assert.equal(r.body, 'part one, part two');
    assert.equal((await p.request({ method: 'GET', path: '/', headers: {} })).body, 'part one, part two');
    assert.equal(s.connections, 1);
    p.close();
  } finally {
    await s.close();
  }
});

test('a kept-alive connection the server closed is replaced and the request still goes through', async () => {
  const s = await serve((_req, res) => res.end('ok'));
  try {
    const p = pool(s.port);
    assert.equal((await p.request({ method: 'POST', path: '/', headers: {}, body: 'a' })).body, 'ok');
    s.server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await p.request({ method: 'POST', path: '/', headers: {}, body: 'b' })).body, 'ok');
    assert.equal(s.connections, 2);
    p.close();
  } finally {
    await s.close();
  }
});

test('a server that resets a reused connection without answering gets the request once more, on a new connection', async () => {
  let n = 0;
  const requests: string[] = [];
  const server = createNetServer((sock) => {
    const conn = ++n;
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\nx')) {
        buf = buf.slice(buf.indexOf('\r\n\r\nx') + 5);
        requests.push(`conn${conn}`);
        // The first connection answers once, then drops the second request unanswered.
        if (conn === 1 && requests.length === 2) sock.destroy();
        else sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const p = pool((server.address() as AddressInfo).port);
    assert.equal((await p.request({ method: 'POST', path: '/', headers: {}, body: 'x' })).body, 'ok');
    assert.equal((await p.request({ method: 'POST', path: '/', headers: {}, body: 'x' })).body, 'ok');
    assert.deepEqual(requests, ['conn1', 'conn1', 'conn2']);
    p.close();
  } finally {
    server.close();
  }
});

test('a connection dropped mid-response on a new connection fails the request', async () => {
  const server = createNetServer((sock) => {
    sock.once('data', () => {
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part');
      setTimeout(() => sock.destroy(), 10);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const p = pool((server.address() as AddressInfo).port);
    await assert.rejects(
      p.request({ method: 'POST', path: '/', headers: {}, body: 'x' }),
      /closed before the response ended/,
    );
    p.close();
  } finally {
    server.close();
  }
});

test('malformed responses fail the request', async () => {
  const server = createNetServer((sock) => sock.once('data', () => sock.end('SSH-2.0-OpenSSH_9.2\r\n\r\n')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const p = pool((server.address() as AddressInfo).port);
    await assert.rejects(p.request({ method: 'POST', path: '/', headers: {}, body: 'x' }), /malformed response/);
    p.close();
  } finally {
    server.close();
  }
});

test('timeouts and cancellation fail the request and free the connection', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('late'), 2_000).unref();
    else res.end('fast');
  });
  try {
    const p = pool(s.port, 1);
    const t0 = Date.now();
    await assert.rejects(
      p.request({ method: 'POST', path: '/slow', headers: {}, body: 'x', timeoutMs: 100 }),
      (e: Error) => {
        assert.equal(e.name, 'TimeoutError');
        return true;
      },
    );
    assert.ok(Date.now() - t0 < 1_500);
    const ac = new AbortController();
    const slow = p.request({ method: 'POST', path: '/slow', headers: {}, body: 'x' }, ac.signal);
    setTimeout(() => ac.abort(new Error('flush deadline exceeded')), 50);
    await assert.rejects(slow, /flush deadline exceeded/);
    // The single connection slot is free again.
    assert.equal((await p.request({ method: 'POST', path: '/fast', headers: {}, body: 'x' })).body, 'fast');
    await assert.rejects(p.request({ method: 'POST', path: '/fast', headers: {}, body: 'x' }, AbortSignal.abort()), {
      name: 'AbortError',
    });
    p.close();
  } finally {
    await s.close();
  }
});

test('a request waiting for a connection can time out in the queue', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('late'), 300);
    else res.end('fast');
  });
  try {
    const p = pool(s.port, 1);
    const slow = p.request({ method: 'POST', path: '/slow', headers: {}, body: 'x' });
    await assert.rejects(p.request({ method: 'POST', path: '/fast', headers: {}, body: 'x', timeoutMs: 50 }), {
      name: 'TimeoutError',
    });
    assert.equal((await slow).body, 'late');
    assert.equal((await p.request({ method: 'POST', path: '/fast', headers: {}, body: 'x' })).body, 'fast');
    p.close();
  } finally {
    await s.close();
  }
});

test('response bodies are cut at the cap; header injection is refused', async () => {
  const big = 'y'.repeat(MAX_RESPONSE_BODY_BYTES + 1000);
  const s = await serve((_req, res) => res.end(big));
  try {
    const p = pool(s.port);
    const r = await p.request({ method: 'GET', path: '/', headers: {} });
    assert.equal(r.body.length, MAX_RESPONSE_BODY_BYTES);
    await assert.rejects(
      p.request({ method: 'POST', path: '/', headers: { 'x-a': 'v\r\nx-injected: 1' }, body: 'x' }),
      /invalid characters in header/,
    );
    assert.equal((await p.request({ method: 'GET', path: '/', headers: {} })).status, 200);
    p.close();
  } finally {
    await s.close();
  }
});

test('connection refused is an error naming the cause', async () => {
  const s = await serve((_req, res) => res.end());
  const port = s.port;
  await s.close();
  const p = pool(port);
  await assert.rejects(p.request({ method: 'POST', path: '/', headers: {}, body: 'x' }), /ECONNREFUSED/);
  p.close();
});
