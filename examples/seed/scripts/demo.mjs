// `npm run demo`: the seed scenario end to end on this machine. Starts the Slack stand-in, the instrumented
// app (reporting a hot CPU) and `osprey run` with the seed's prometheus.yml, rules.yml and alertmanager.yml
// (copied to a temp dir with local ports filled in), then prints the Slack message when HighCPUUsage fires.
//
// Knobs (environment, or --for=10s style flags):
//   DEMO_FOR         shorten the rule's `for: 5m` (e.g. 10s); also sets scrape/evaluation intervals to 1s
//   DEMO_INTERVAL    scrape and evaluation interval (default 15s as in the seed, 1s with DEMO_FOR)
//   DEMO_GROUP_WAIT  set the route's group_wait (Alertmanager's default is 30s)
//   DEMO_TIMEOUT     give up after this many seconds (default: enough for `for` + group_wait + 60s)
//   DEMO_KEEP=1      keep running after the first message (Ctrl-C to stop)
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { printMessage, startSlackStandIn } from '../slack-standin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seedDir = resolve(here, '..');
const repo = resolve(seedDir, '../..');

const flags = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [k, ...v] = a.slice(2).split('=');
      return [`DEMO_${k.toUpperCase().replace(/-/g, '_')}`, v.join('=') || '1'];
    }),
);
const knob = (name) => flags[name] ?? process.env[name];

/** Seconds in a Prometheus duration like 10s, 5m, 1m30s. */
function seconds(d) {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of String(d).matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const demoFor = knob('DEMO_FOR');
const interval = knob('DEMO_INTERVAL') ?? (demoFor ? '1s' : undefined);
const groupWait = knob('DEMO_GROUP_WAIT');
const keep = knob('DEMO_KEEP') === '1';

const tmp = mkdtempSync(join(tmpdir(), 'osprey-demo-'));
const children = [];
let slack;

function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  slack?.server.close();
}

async function main() {
  const seen = [];
  let onFiring;
  const firing = new Promise((r) => (onFiring = r));
  slack = await startSlackStandIn(0, (payload, url) => {
    seen.push(payload);
    console.log(`\nslack stand-in: message received on ${url}`);
    printMessage(payload);
    // One line a program can read (test/seed-demo.test.ts does).
    console.log(`DEMO_SLACK_PAYLOAD ${JSON.stringify(payload)}`);
    if (JSON.stringify(payload).includes('HighCPUUsage')) onFiring(payload);
  });
  const appPort = await freePort();
  const ospreyPort = await freePort();

  // rules.yml, with `for` shortened on request.
  let rules = readFileSync(join(seedDir, 'rules.yml'), 'utf8');
  if (demoFor) rules = rules.replace(/for: 5m/, `for: ${demoFor}`);
  writeFileSync(join(tmp, 'rules.yml'), rules);

  // prometheus.yml, scraping the app on its port.
  const prom = parse(readFileSync(join(seedDir, 'prometheus.yml'), 'utf8'));
  prom.rule_files = [join(tmp, 'rules.yml')];
  prom.scrape_configs[0].static_configs[0].targets = [`127.0.0.1:${appPort}`];
  if (interval) Object.assign(prom.global, { scrape_interval: interval, evaluation_interval: interval });
  writeFileSync(join(tmp, 'prometheus.yml'), stringify(prom));

  // alertmanager.yml, the Slack URL pointing at the stand-in.
  let am = readFileSync(join(seedDir, 'alertmanager.yml'), 'utf8').replace(
    'http://127.0.0.1:8065/',
    `http://127.0.0.1:${slack.port}/`,
  );
  if (groupWait) am = am.replace("receiver: 'slack-notifications'\n", `$&  group_wait: ${groupWait}\n`);
  writeFileSync(join(tmp, 'alertmanager.yml'), am);

  const appLog = openSync(join(tmp, 'app.log'), 'w');
  const app = spawn(process.execPath, [join(seedDir, 'app.mjs')], {
    env: { ...process.env, PORT: String(appPort), CPU_PERCENT: process.env.CPU_PERCENT ?? '95' },
    stdio: ['ignore', appLog, appLog],
  });
  children.push(app);

  const ospreyLog = openSync(join(tmp, 'osprey.log'), 'w');
  const osprey = spawn(
    process.execPath,
    [
      join(repo, 'bin/osprey.js'),
      'run',
      `--config.file=${join(tmp, 'prometheus.yml')}`,
      `--alertmanager.config.file=${join(tmp, 'alertmanager.yml')}`,
      `--storage.tsdb.path=${join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${ospreyPort}`,
      `--web.external-url=http://127.0.0.1:${ospreyPort}/`,
    ],
    { cwd: repo, stdio: ['ignore', ospreyLog, ospreyLog] },
  );
  children.push(osprey);
  const ospreyExit = new Promise((r) => osprey.once('exit', (code, sig) => r({ code, sig })));

  const forS = seconds(demoFor ?? '5m');
  const waitS = seconds(groupWait ?? '30s');
  const timeoutS = Number(knob('DEMO_TIMEOUT') ?? forS + waitS + 60);
  console.log(`demo: files in ${tmp}`);
  console.log(`demo: app       http://127.0.0.1:${appPort}/metrics (cpu_usage_percentage reported at 95)`);
  console.log(`demo: osprey    http://127.0.0.1:${ospreyPort}/  (alerts: /alerts, API: /api/v2/alerts)`);
  console.log(`demo: slack     http://127.0.0.1:${slack.port}/services/XXXXXX/XXXXXX/XXXXXX`);
  console.log(
    `demo: HighCPUUsage needs cpu_usage_percentage > 80 for ${demoFor ?? '5m'}, then group_wait ${groupWait ?? '30s'}; waiting up to ${timeoutS}s`,
  );

  const timeout = new Promise((r) => setTimeout(() => r('timeout'), timeoutS * 1000).unref());
  const outcome = await Promise.race([firing, timeout, ospreyExit.then((e) => ({ exited: e }))]);
  if (outcome === 'timeout' || outcome?.exited) {
    const why = outcome === 'timeout' ? `no Slack message within ${timeoutS}s` : `osprey exited (${JSON.stringify(outcome.exited)})`;
    console.error(`demo: FAILED: ${why}\n--- osprey log (tail) ---`);
    console.error(readFileSync(join(tmp, 'osprey.log'), 'utf8').split('\n').slice(-40).join('\n'));
    return 1;
  }
  console.log('\ndemo: HighCPUUsage reached Slack (the stand-in) through Osprey.');
  if (keep) {
    console.log('demo: still running; Ctrl-C to stop.');
    await new Promise((r) => process.once('SIGINT', r));
  }
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error('demo: error:', e);
} finally {
  cleanup();
  // Give the children a moment to exit before removing their files.
  await new Promise((r) => setTimeout(r, 300));
  if (!knob('DEMO_KEEP_FILES')) rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
