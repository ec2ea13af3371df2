/**
 * Differential test against Debian's node_exporter (1.5): run both on this machine and compare
 * family types, label names, help text and values of the metrics both expose.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createParser, writeText } from '../exposition/index.ts';
import { freePort } from '../testing/free-port.ts';
import { DEFAULT_MOUNT_POINTS_EXCLUDE, HostCollector } from './index.ts';
import { type FamilyView, parseTextFamilies } from './test-util.ts';

const BINARY = '/usr/bin/prometheus-node-exporter';

/** Families that must exist in both. */
const CORE = [
  'node_textfile_scrape_error',
  'node_textfile_mtime_seconds',
  'backup_last_success_seconds',
  'backup_runs_total',
  'backup_duration_seconds',
  'node_cpu_seconds_total',
  'node_memory_MemTotal_bytes',
  'node_memory_MemAvailable_bytes',
  'node_load1',
  'node_load5',
  'node_load15',
  'node_filesystem_size_bytes',
  'node_filesystem_avail_bytes',
  'node_network_receive_bytes_total',
  'node_network_transmit_bytes_total',
  'node_boot_time_seconds',
  'node_context_switches_total',
  'node_forks_total',
  'node_intr_total',
  'node_uname_info',
  'node_os_info',
  'node_filefd_maximum',
  'node_vmstat_pgfault',
  'node_time_seconds',
];

/** Gauges that do not move between two reads a second apart: must agree within 1%. */
const STABLE = [
  'node_textfile_scrape_error',
  'node_textfile_mtime_seconds',
  'backup_last_success_seconds',
  'backup_runs_total',
  'node_memory_MemTotal_bytes',
  'node_memory_SwapTotal_bytes',
  'node_memory_Hugepagesize_bytes',
  'node_filesystem_size_bytes',
  'node_filesystem_files',
  'node_boot_time_seconds',
  'node_filefd_maximum',
  'node_entropy_pool_size_bits',
  'node_network_mtu_bytes',
  'node_network_iface_id',
  'node_uname_info',
  'node_os_info',
  'node_os_version',
  'node_disk_info',
  'node_network_info',
  'node_nf_conntrack_entries_limit',
];

/** Slack for counters read between two node_exporter scrapes. The kernel lets idle/iowait step back a little. */
const COUNTER_SLACK: Record<string, number> = {
  node_cpu_seconds_total: 0.5,
};

let child: ChildProcess | undefined;
let url = '';

async function scrape(): Promise<Map<string, FamilyView>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const all = parseTextFamilies(await res.text());
  // go_/process_/promhttp_ are the exporter's own; node_* and the text files' families are comparable.
  for (const name of [...all.keys()]) if (/^(go|process|promhttp)_/.test(name)) all.delete(name);
  return all;
}

let textDir = '';

/** Text files for the textfile collector: a good one with a histogram and untyped series, and a broken one. */
async function writeTextfiles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-textfile-'));
  await writeFile(
    join(dir, 'app.prom'),
    [
      '# HELP backup_last_success_seconds When the last backup finished.',
      '# TYPE backup_last_success_seconds gauge',
      'backup_last_success_seconds{job="db"} 1.7e+09',
      'backup_runs_total 12',
      '# TYPE backup_duration_seconds histogram',
      'backup_duration_seconds_bucket{le="60"} 3',
      'backup_duration_seconds_bucket{le="+Inf"} 12',
      'backup_duration_seconds_sum 2400',
      'backup_duration_seconds_count 12',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'broken.prom'), 'broken{ 1\n');
  await writeFile(join(dir, 'ignored.txt'), 'ignored_metric 1\n');
  return dir;
}

before(async () => {
  await access(BINARY);
  textDir = await writeTextfiles();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/metrics`;
  // Debian patches some defaults (it excludes /run, /mnt, /media and lo); use upstream's so both sides agree.
  child = spawn(
    BINARY,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE.source.replaceAll('\\/', '/')}`,
      '--collector.netdev.device-exclude=',
      `--collector.textfile.directory=${textDir}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`node_exporter did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  child?.kill('SIGTERM');
  if (textDir !== '') await rm(textDir, { recursive: true, force: true });
});

test('host collector agrees with node_exporter', async () => {
  const ours = new HostCollector({ textfileDirectory: textDir, textfileParser: (t) => createParser(t, 'text') });
  // Bracket our read between two node_exporter scrapes so counters must fall between them.
  const ne1 = await scrape();
  const oursText = writeText(await ours.collect());
  const ne2 = await scrape();
  const os = parseTextFamilies(oursText);

  const problems: string[] = [];
  const common = [...os.keys()].filter((n) => ne1.has(n)).sort();
  for (const name of common) {
    const a = os.get(name)!;
    const b = ne1.get(name)!;
    if (a.type !== b.type) problems.push(`${name}: type ${a.type} vs node_exporter ${b.type}`);
    if (a.help !== b.help)
      problems.push(`${name}: help ${JSON.stringify(a.help)} vs node_exporter ${JSON.stringify(b.help)}`);
    const an = [...a.labelNames].sort().join(',');
    const bn = [...b.labelNames].sort().join(',');
    if (an !== bn) problems.push(`${name}: label names [${an}] vs node_exporter [${bn}]`);
  }

  for (const name of CORE) {
    if (!os.has(name) || !ne1.has(name))
      problems.push(`${name}: missing in ${os.has(name) ? 'node_exporter' : 'Osprey'}`);
  }
  // Every family both have must have the same series (same devices, mounts, CPUs, label values), except
  // the per-collector scrape families: node_exporter has collectors Osprey does not.
  for (const name of common) {
    if (name.startsWith('node_scrape_collector_')) continue;
    const a = os.get(name)!;
    const b = ne1.get(name)!;
    const as = [...a.series.keys()].sort().join(' ');
    const bs = [...b.series.keys()].sort().join(' ');
    if (as !== bs) problems.push(`${name}: series ${as} vs node_exporter ${bs}`);
  }
  if (ne1.has('node_disk_read_bytes_total')) {
    const a = [...(os.get('node_disk_read_bytes_total')?.series.keys() ?? [])].sort().join(' ');
    const b = [...ne1.get('node_disk_read_bytes_total')!.series.keys()].sort().join(' ');
    if (a !== b) problems.push(`node_disk_read_bytes_total: series ${a} vs node_exporter ${b}`);
  }
  const cpus = (f: FamilyView | undefined) =>
    new Set([...(f?.series.keys() ?? [])].map((k) => /cpu="(\d+)"/.exec(k)?.[1]));
  if (cpus(os.get('node_cpu_seconds_total')).size !== cpus(ne1.get('node_cpu_seconds_total')).size) {
    problems.push('node_cpu_seconds_total: different CPU count');
  }

  // Sub-collectors both have must succeed or fail alike (e.g. hwmon fails on a host without /sys/class/hwmon).
  const neSuccess = ne1.get('node_scrape_collector_success')!;
  for (const [series, ok] of os.get('node_scrape_collector_success')!.series) {
    const theirs = neSuccess.series.get(series);
    if (theirs !== undefined && theirs !== ok)
      problems.push(`node_scrape_collector_success${series}: ${ok} vs node_exporter ${theirs}`);
  }

  let compared = 0;
  for (const name of STABLE) {
    const a = os.get(name);
    const b = ne1.get(name);
    if (a === undefined || b === undefined) continue;
    for (const [series, bv] of b.series) {
      const av = a.series.get(series);
      if (av === undefined) {
        problems.push(`${name}${series}: missing in Osprey`);
        continue;
      }
      compared++;
      if (Math.abs(av - bv) > Math.abs(bv) * 0.01) problems.push(`${name}${series}: ${av} vs node_exporter ${bv}`);
    }
  }

  for (const name of common) {
    const a = os.get(name)!;
    if (a.type !== 'counter') continue;
    const slack = COUNTER_SLACK[name] ?? 1e-9;
    for (const [series, av] of a.series) {
      const lo = ne1.get(name)!.series.get(series);
      const hi = ne2.get(name)?.series.get(series);
      if (lo === undefined || hi === undefined) continue;
      compared++;
      const tol = slack + Math.abs(hi) * 1e-12;
      if (av < lo - tol || av > hi + tol)
        problems.push(`${name}${series}: ${av} not within node_exporter's [${lo}, ${hi}]`);
    }
  }

  const neOnly = [...ne1.keys()].filter((n) => !os.has(n)).sort();
  const oursOnly = [...os.keys()].filter((n) => !ne1.has(n)).sort();
  console.log(
    `host compat: ${common.length} families in both, ${compared} values compared, ${problems.length} problems`,
  );
  console.log(`node_exporter only (${neOnly.length}): ${neOnly.join(' ')}`);
  console.log(`Osprey only (${oursOnly.length}): ${oursOnly.join(' ')}`);
  assert.ok(common.length >= 150, `only ${common.length} families in common`);
  assert.deepEqual(problems, []);
});
