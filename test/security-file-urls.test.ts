import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProbeHandler, defaultProbeModules } from '../src/collectors/index.ts';
import { parsePrometheusConfig } from '../src/config/index.ts';

test('a probe cannot read local files through file:// targets', async () => {
  const probe = createProbeHandler(() => defaultProbeModules());
  for (const target of ['file:///etc/passwd', 'file://localhost/etc/hostname']) {
    const r = await probe({ target, module: 'http_2xx' });
    assert.match(r.body, /^probe_success 0$/m, target);
    assert.doesNotMatch(r.body, /root:/);
  }
});

test('a scrape config cannot use a file scheme', () => {
  assert.throws(
    () =>
      parsePrometheusConfig(
        'scrape_configs:\n  - job_name: x\n    scheme: file\n    static_configs: [{targets: [a]}]\n',
        'p.yml',
      ),
    /p\.yml:3:\d+: .*scheme/,
  );
});

test('--web.max-connections bounds simultaneous connections', async () => {
  const { connect } = await import('node:net');
  const { startOsprey } = await import('./helpers.ts');
  const o = await startOsprey('scrape_configs: []\n', { 'web.max-connections': '2' });
  const { hostname, port } = new URL(o.url);
  const sockets: import('node:net').Socket[] = [];
  try {
    const open = () =>
      new Promise<import('node:net').Socket>((resolve) => {
        const s = connect(Number(port), hostname, () => resolve(s));
        sockets.push(s);
      });
    await open();
    await open();
    const third = await open();
    const closed = await new Promise<boolean>((resolve) => {
      third.on('close', () => resolve(true));
      third.write('GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n');
      setTimeout(() => resolve(false), 3000);
    });
    assert.ok(closed, 'the connection over the limit is closed');
  } finally {
    for (const s of sockets) s.destroy();
    await o.server.stop();
  }
});
