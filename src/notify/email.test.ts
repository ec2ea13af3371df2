/**
 * The email notifier against a real SMTP server (smtp-server) on 127.0.0.1 with AUTH, with and without
 * STARTTLS; messages are read back with mailparser.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { EmailNotifier } from './email.ts';
import { createNotifierFactory } from './factory.ts';
import { context, deps, firingAlert, NOW, resolvedAlert } from './test-helpers.ts';

interface Received {
  mail: ParsedMail;
  envelopeFrom: string;
  envelopeTo: string[];
  secure: boolean;
  user: string | undefined;
  hello: string;
}

interface SmtpStandIn {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

async function startSmtp(opts: { starttls: boolean }): Promise<SmtpStandIn> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    ...(opts.starttls ? {} : { disabledCommands: ['STARTTLS'] }),
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts@example.com' && auth.password === 'smtp-pass') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user as string | undefined,
            hello: session.hostNameAppearsAs,
          });
          cb();
        })
        .catch(cb);
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let plain: SmtpStandIn;
let tls: SmtpStandIn;
before(async () => {
  plain = await startSmtp({ starttls: false });
  tls = await startSmtp({ starttls: true });
});
after(async () => {
  await plain.close();
  await tls.close();
});

test('email via STARTTLS with AUTH: subject, from, to, HTML and text bodies, custom headers', async () => {
  const yaml = `
global:
  smtp_smarthost: '127.0.0.1:${tls.port}'
  smtp_from: 'Osprey <alerts@example.com>'
  smtp_auth_username: alerts@example.com
  smtp_auth_password: smtp-pass
  smtp_hello: osprey.test
route:
  receiver: mail
receivers:
  - name: mail
    email_configs:
      - to: 'oncall@example.com, boss@example.com'
        text: 'Plain: {{ template "__subject" . }}'
        headers:
          X-Team: '{{ .GroupLabels.alertname }}-team'
        tls_config:
          insecure_skip_verify: true
`;
  const cfg = parseAlertmanagerConfig(yaml, 'alertmanager.yml');
  const [n] = createNotifierFactory({ now: () => NOW })(cfg.receivers[0]!, cfg.global, cfg.templates);
  assert.equal(n!.integration, 'email');
  assert.equal(n!.sendResolved, false);
  const res = await n!.notify(context({ receiver: 'mail' }), [
    firingAlert('a:9100'),
    firingAlert('b:9100', { note: '<script>' }),
  ]);
  assert.deepEqual(res, { retry: false });
  const got = tls.received.at(-1)!;
  assert.equal(got.secure, true, 'STARTTLS was used');
  assert.equal(got.user, 'alerts@example.com');
  assert.equal(got.hello, 'osprey.test');
  assert.equal(got.envelopeFrom, 'alerts@example.com');
  assert.deepEqual(got.envelopeTo, ['oncall@example.com', 'boss@example.com']);
  const m = got.mail;
  assert.equal(m.subject, '[FIRING:2] HighLatency (critical)');
  assert.equal(m.from?.value[0]?.address, 'alerts@example.com');
  assert.equal(m.from?.value[0]?.name, 'Osprey');
  const to = Array.isArray(m.to) ? m.to : [m.to!];
  assert.deepEqual(
    to.flatMap((a) => a.value.map((v) => v.address)),
    ['oncall@example.com', 'boss@example.com'],
  );
  assert.equal(m.headers.get('x-team'), 'HighLatency-team');
  assert.equal(m.text?.trim(), 'Plain: [FIRING:2] HighLatency (critical)');
  const html = String(m.html);
  assert.match(html, /2 alerts for alertname=HighLatency/);
  assert.match(html, /\[2\] Firing/);
  assert.match(html, /href="http:\/\/osprey\.example:9090\/#\/alerts\?receiver=mail"/);
  assert.match(html, /note = &lt;script&gt;/, 'label values are HTML-escaped');
  assert.doesNotMatch(html, /<script>/);
});

const base = {
  smarthost: '',
  from: 'alerts@example.com',
  to: 'oncall@example.com',
  auth_username: 'alerts@example.com',
  auth_password: 'smtp-pass',
  html: '{{ template "email.default.html" . }}',
  headers: { Subject: '{{ template "email.default.subject" . }}', To: 'oncall@example.com' },
};

test('require_tls: false sends in plain text; require_tls: true fails without STARTTLS', async () => {
  const ok = new EmailNotifier({ ...base, smarthost: `127.0.0.1:${plain.port}`, require_tls: false }, deps());
  assert.deepEqual(await ok.notify(context(), [resolvedAlert('a:9100')]), { retry: false });
  const got = plain.received.at(-1)!;
  assert.equal(got.secure, false);
  assert.equal(got.mail.subject, '[RESOLVED] HighLatency (a:9100 critical)');
  assert.match(String(got.mail.html), /\[1\] Resolved/);

  const strict = new EmailNotifier({ ...base, smarthost: `127.0.0.1:${plain.port}`, require_tls: true }, deps());
  const r = await strict.notify(context(), [firingAlert('a:9100')]);
  assert.ok(r.error, 'STARTTLS is required but not offered');
});

test('a wrong password is a permanent error that does not contain the password', async () => {
  const n = new EmailNotifier(
    { ...base, smarthost: `127.0.0.1:${plain.port}`, require_tls: false, auth_password: 'wrong-pass' },
    deps(),
  );
  const r = await n.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /535|Invalid/);
  assert.doesNotMatch(r.error!.message, /wrong-pass/);
});

test('an unreachable smarthost is retried', async () => {
  const dead = await startSmtp({ starttls: false });
  const port = dead.port;
  await dead.close();
  const n = new EmailNotifier({ ...base, smarthost: `127.0.0.1:${port}`, require_tls: false }, deps());
  const r = await n.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, true);
  assert.match(r.error!.message, /ECONNREFUSED/);
});
