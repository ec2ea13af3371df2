/**
 * The notifiers behind the real alert manager: the seed's alertmanager.yml (Slack receiver) delivers to a
 * Slack stand-in, and a webhook receiver that first answers 500 gets the notification on a retry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Alertmanager } from '../alertmanager/index.ts';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { createNotifierFactory } from './factory.ts';
import { startStandIn } from './test-helpers.ts';
import type { WebhookMessage } from './webhook.ts';

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the seed's Slack config delivers through the alert manager; a failing webhook is retried", async () => {
  let hookCalls = 0;
  const srv = await startStandIn((req) =>
    req.url === '/hook' && hookCalls++ === 0 ? { status: 500, body: 'temporarily down' } : { status: 200, body: 'ok' },
  );
  const cfg = parseAlertmanagerConfig(
    `
global:
  resolve_timeout: 5m
route:
  group_by: ['alertname']
  receiver: 'slack-notifications'
  group_wait: 50ms
  routes:
    - matchers: ['team="db"']
      receiver: hook
      continue: true
    - receiver: 'slack-notifications'
      group_wait: 50ms
receivers:
  - name: 'slack-notifications'
    slack_configs:
      - channel: '#alerts'
        api_url: '${srv.base}/services/XXXXXX/XXXXXX/XXXXXX'
  - name: hook
    webhook_configs:
      - url: '${srv.base}/hook'
`,
    'alertmanager.yml',
  );
  const am = new Alertmanager({
    config: cfg,
    notifierFactory: createNotifierFactory(),
    externalURL: 'http://osprey:9093',
    backoff: { initialMs: 20, multiplier: 1.5, maxMs: 100, randomization: 0 },
  });
  try {
    am.putAlerts([
      { labels: { alertname: 'HighCPU', instance: 'app:8080' }, annotations: { summary: 'CPU above 90%' } },
      { labels: { alertname: 'DiskFull', team: 'db' } },
    ]);
    const slack = () => srv.requests.filter((r) => r.url.startsWith('/services/'));
    const hook = () => srv.requests.filter((r) => r.url === '/hook');
    await waitFor(() => slack().length >= 1 && hook().length >= 2, 'slack delivery and webhook retry');
    const msg = slack()[0]!.json as { channel: string; attachments: { title: string; title_link: string }[] };
    assert.equal(msg.channel, '#alerts');
    assert.equal(msg.attachments[0]!.title, '[FIRING:1] HighCPU (app:8080)');
    assert.equal(msg.attachments[0]!.title_link, 'http://osprey:9093/#/alerts?receiver=slack-notifications');
    const [first, second] = hook().map((r) => r.json as WebhookMessage);
    assert.deepEqual(first, second, 'the retry sends the same notification');
    assert.equal(second!.receiver, 'hook');
    assert.deepEqual(second!.groupLabels, { alertname: 'DiskFull' });
  } finally {
    am.stop();
    await srv.close();
  }
});
