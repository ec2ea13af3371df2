import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseParser } from './http1-response-parser.ts';

interface Parsed {
  status: number;
  headers: [string, string][];
  body: string;
  complete: boolean;
  reusable: boolean;
}

/** Feeds the response in pieces of `step` bytes (0 = whole); `ended` sends the connection's end afterwards. */
function parse(raw: string, step = 0, opts: { head?: boolean; ended?: boolean } = {}): Parsed {
  const bytes = Buffer.from(raw, 'latin1');
  const body: Buffer[] = [];
  const p = new ResponseParser((b) => body.push(Buffer.from(b)), opts.head ?? false);
  let complete = false;
  const n = step || bytes.length;
  for (let i = 0; i < bytes.length && !complete; i += n) complete = p.push(bytes.subarray(i, i + n));
  if (!complete && opts.ended) complete = p.end();
  return {
    status: p.head?.status ?? 0,
    headers: p.head?.headers ?? [],
    body: Buffer.concat(body).toString('latin1'),
    complete,
    reusable: p.reusable,
  };
}

const RESPONSES: [string, string, Partial<Parsed>][] = [
  [
    'content-length',
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    { status: 200, body: 'hello', reusable: true },
  ],
  [
    'chunked with extensions and trailers',
    'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n',
    { status: 201, body: 'hello, world', reusable: true },
  ],
  [
    'interim 100 and 103 skipped',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok',
    { status: 202, body: 'ok', reusable: true },
  ],
  ['204 has no body', 'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n', { status: 204, body: '' }],
  [
    'connection: close',
    'HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad',
    { status: 500, reusable: false },
  ],
  ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', { status: 200, reusable: false }],
  [
    'HTTP/1.0 with keep-alive',
    'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
    { reusable: true },
  ],
  ['status without reason', 'HTTP/1.1 429\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n', { status: 429 }],
];

test('responses parse the same whether they arrive whole or a byte at a time', () => {
  for (const [name, raw, want] of RESPONSES) {
    for (const step of [0, 1, 2, 3, 7]) {
      const got = parse(raw, step);
      assert.equal(got.complete, true, `${name} (step ${step}) complete`);
      for (const [k, v] of Object.entries(want))
        assert.deepEqual(got[k as keyof Parsed], v, `${name} (step ${step}): ${k}`);
    }
  }
});

test('header names are lower-cased, repeated headers kept in order', () => {
  const got = parse(
    'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-A:  spaced  \r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n',
  );
  assert.deepEqual(got.headers, [
    ['set-cookie', 'a=1'],
    ['x-a', 'spaced'],
    ['set-cookie', 'b=2'],
    ['content-length', '0'],
  ]);
});

test('a body without length runs to the end of the connection, which cannot be reused', () => {
  const open = parse('HTTP/1.1 200 OK\r\n\r\npartial');
  assert.equal(open.complete, false);
  const ended = parse('HTTP/1.1 200 OK\r\n\r\nall of it', 0, { ended: true });
  assert.deepEqual([ended.complete, ended.body, ended.reusable], [true, 'all of it', false]);
});

test('a truncated response is not complete at the end of the connection', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 0, { ended: true }).complete, false);
  assert.equal(
    parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', 0, { ended: true }).complete,
    false,
  );
});

test('the response to HEAD has no body whatever its headers say', () => {
  const got = parse('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', 0, { head: true });
  assert.deepEqual([got.complete, got.body, got.reusable], [true, '', true]);
});

test('bytes after the response make the connection unusable', () => {
  const got = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
  assert.deepEqual([got.complete, got.body, got.reusable], [true, 'ok', false]);
});

test('malformed responses throw', () => {
  for (const raw of [
    'SMTP 220 hello\r\n\r\n',
    'HTTP/1.1 2000 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY',
  ])
    assert.throws(() => parse(raw), Error, JSON.stringify(raw));
  assert.throws(() => parse(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`), /too large/);
});
