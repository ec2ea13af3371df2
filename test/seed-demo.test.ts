import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

// `npm run demo` with the rule's `for` shortened: the seed's app, prometheus.yml, rules.yml and alertmanager.yml
// run as separate processes, and the Slack stand-in must receive the seed's Slack notification.
test('the seed demo delivers HighCPUUsage to the Slack stand-in in #alerts', { timeout: 90_000 }, async () => {
  const started = Date.now();
  const child = spawn(process.execPath, ['examples/seed/scripts/demo.mjs', '--for=5s'], {
    env: { ...process.env, DEMO_GROUP_WAIT: '1s', DEMO_TIMEOUT: '60' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const elapsed = Date.now() - started;
  assert.equal(code, 0, `demo failed:\n${out}`);
  assert.ok(elapsed < 60_000, `the Slack message took ${elapsed} ms`);

  const line = out.split('\n').find((l) => l.startsWith('DEMO_SLACK_PAYLOAD '));
  assert.ok(line, `no Slack payload printed:\n${out}`);
  const payload = JSON.parse(line.slice('DEMO_SLACK_PAYLOAD '.length)) as {
    channel: string;
    attachments: { title: string; title_link: string; color: string }[];
  };
  assert.equal(payload.channel, '#alerts');
  const [att] = payload.attachments;
  assert.ok(att);
  assert.match(att.title, /^\[FIRING:1\] HighCPUUsage /);
  assert.match(att.title, /critical/, 'the rule label severity=critical is in the title');
  assert.equal(att.color, 'danger');
  assert.match(att.title_link, /\/#\/alerts\?receiver=slack-notifications$/);
  assert.match(out, /--- Slack message to #alerts ---/, 'the demo prints the message as it arrives');
});
