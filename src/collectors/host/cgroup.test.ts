import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import type { MetricFamily } from '../../exposition/types.ts';
import { CgroupFsCache, parseProcCgroup, readCgroupStats } from './cgroup.ts';
import { CollectContext } from './context.ts';
import { HostCollector } from './host-collector.ts';
import { selectHostCollectors } from './registry.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'osprey-cgroup-'));
  dirs.push(root);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

async function container(root: string): Promise<Map<string, MetricFamily>> {
  const h = new HostCollector({ procPath: join(root, 'proc'), sysPath: join(root, 'sys'), enabled: ['container'] });
  const fams = await h.collect();
  const success = fams.find((f) => f.name === 'node_scrape_collector_success')!;
  assert.equal(success.samples[0].value, 1, 'the container collector never fails for missing files');
  return new Map(fams.filter((f) => f.name.startsWith('container_')).map((f) => [f.name, f]));
}

function val(fams: Map<string, MetricFamily>, name: string): number | undefined {
  return fams.get(name)?.samples[0].value;
}

function idOf(fams: Map<string, MetricFamily>): string {
  return fams.values().next().value!.samples[0].labels.get('id');
}

test('parses /proc/self/cgroup for v1 and v2', () => {
  const m = parseProcCgroup('12:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/x\n0::/user.slice\n');
  assert.equal(m.unified, '/user.slice');
  assert.equal(m.v1.get('memory'), '/docker/abc');
  assert.equal(m.v1.get('cpu'), '/docker/abc');
  assert.equal(m.v1.get('cpuacct'), '/docker/abc');
});

test('cgroup v2: limits and usage of the own cgroup with cAdvisor names and units', async () => {
  const cg = 'sys/fs/cgroup/system.slice/docker-abc.scope';
  const root = tree({
    'proc/self/cgroup': '0::/system.slice/docker-abc.scope\n',
    'sys/fs/cgroup/cgroup.controllers': 'cpu memory io pids\n',
    [`${cg}/cpu.max`]: '50000 100000\n',
    [`${cg}/cpu.weight`]: '100\n',
    [`${cg}/cpu.stat`]:
      'usage_usec 12500000\nuser_usec 10000000\nsystem_usec 2500000\nnr_periods 40\nnr_throttled 7\nthrottled_usec 1500000\n',
    [`${cg}/memory.max`]: '536870912\n',
    [`${cg}/memory.low`]: '0\n',
    [`${cg}/memory.swap.max`]: 'max\n',
    [`${cg}/memory.current`]: '104857600\n',
    [`${cg}/memory.peak`]: '209715200\n',
    [`${cg}/memory.swap.current`]: '4096\n',
    [`${cg}/memory.stat`]: 'anon 50000000\nfile 40000000\nkernel 100\ninactive_file 10000000\nactive_file 30000000\n',
    [`${cg}/memory.events`]: 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n',
  });
  const f = await container(root);
  assert.equal(val(f, 'container_spec_cpu_quota'), 50000);
  assert.equal(val(f, 'container_spec_cpu_period'), 100000);
  assert.equal(val(f, 'container_spec_cpu_shares'), 2597);
  assert.equal(val(f, 'container_cpu_usage_seconds_total'), 12.5);
  assert.equal(val(f, 'container_cpu_user_seconds_total'), 10);
  assert.equal(val(f, 'container_cpu_system_seconds_total'), 2.5);
  assert.equal(val(f, 'container_cpu_cfs_periods_total'), 40);
  assert.equal(val(f, 'container_cpu_cfs_throttled_periods_total'), 7);
  assert.equal(val(f, 'container_cpu_cfs_throttled_seconds_total'), 1.5);
  assert.equal(val(f, 'container_spec_memory_limit_bytes'), 536870912);
  assert.equal(val(f, 'container_spec_memory_swap_limit_bytes'), 0, 'unlimited is 0');
  assert.equal(val(f, 'container_memory_usage_bytes'), 104857600);
  assert.equal(val(f, 'container_memory_max_usage_bytes'), 209715200);
  assert.equal(val(f, 'container_memory_working_set_bytes'), 104857600 - 10000000);
  assert.equal(val(f, 'container_memory_rss'), 50000000);
  assert.equal(val(f, 'container_memory_cache'), 40000000);
  assert.equal(val(f, 'container_memory_swap'), 4096);
  assert.equal(val(f, 'container_oom_events_total'), 1);
  assert.equal(f.get('container_cpu_usage_seconds_total')!.type, 'counter');
  assert.equal(f.get('container_memory_working_set_bytes')!.type, 'gauge');
  assert.equal(idOf(f), '/system.slice/docker-abc.scope');
});

test('cgroup v2 inside a cgroup namespace ("0::/"): the mount root is the container, no quota when "max"', async () => {
  const root = tree({
    'proc/self/cgroup': '0::/\n',
    'sys/fs/cgroup/cgroup.controllers': 'cpu memory\n',
    'sys/fs/cgroup/cpu.max': 'max 100000\n',
    'sys/fs/cgroup/cpu.stat': 'usage_usec 1000000\nuser_usec 600000\nsystem_usec 400000\n',
    'sys/fs/cgroup/memory.max': 'max\n',
    'sys/fs/cgroup/memory.current': '1000\n',
    'sys/fs/cgroup/memory.stat': 'anon 10\nfile 20\ninactive_file 2000\n',
  });
  const f = await container(root);
  assert.equal(val(f, 'container_spec_cpu_quota'), undefined, 'cAdvisor exposes no quota without a limit');
  assert.equal(val(f, 'container_spec_cpu_period'), 100000);
  assert.equal(val(f, 'container_spec_memory_limit_bytes'), 0);
  assert.equal(val(f, 'container_memory_working_set_bytes'), 0, 'never negative');
  assert.equal(val(f, 'container_cpu_usage_seconds_total'), 1);
  assert.equal(val(f, 'container_cpu_cfs_periods_total'), undefined, 'absent without a CFS quota');
  assert.equal(idOf(f), '/');
});

test('cgroup v1 without a cgroup namespace: own cgroup mounted at the controller roots, co-mounted cpu,cpuacct', async () => {
  const root = tree({
    'proc/self/cgroup': '11:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n',
    'sys/fs/cgroup/memory/memory.limit_in_bytes': '268435456\n',
    'sys/fs/cgroup/memory/memory.soft_limit_in_bytes': '9223372036854771712\n',
    'sys/fs/cgroup/memory/memory.usage_in_bytes': '200000000\n',
    'sys/fs/cgroup/memory/memory.max_usage_in_bytes': '250000000\n',
    'sys/fs/cgroup/memory/memory.failcnt': '5\n',
    'sys/fs/cgroup/memory/memory.stat':
      'cache 1\nrss 2\ninactive_file 3\ntotal_cache 60000000\ntotal_rss 120000000\ntotal_inactive_file 50000000\ntotal_swap 0\n',
    'sys/fs/cgroup/memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '150000\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.shares': '512\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.stat': 'nr_periods 10\nnr_throttled 4\nthrottled_time 2500000000\n',
    'sys/fs/cgroup/cpu,cpuacct/cpuacct.usage': '12345000000\n',
    'sys/fs/cgroup/cpu,cpuacct/cpuacct.stat': 'user 1000\nsystem 234\n',
  });
  symlinkSync('cpu,cpuacct', join(root, 'sys/fs/cgroup/cpu'));
  symlinkSync('cpu,cpuacct', join(root, 'sys/fs/cgroup/cpuacct'));
  const f = await container(root);
  assert.equal(val(f, 'container_spec_cpu_quota'), 150000);
  assert.equal(val(f, 'container_spec_cpu_period'), 100000);
  assert.equal(val(f, 'container_spec_cpu_shares'), 512);
  assert.equal(val(f, 'container_cpu_cfs_periods_total'), 10);
  assert.equal(val(f, 'container_cpu_cfs_throttled_periods_total'), 4);
  assert.equal(val(f, 'container_cpu_cfs_throttled_seconds_total'), 2.5);
  assert.equal(val(f, 'container_cpu_usage_seconds_total'), 12.345);
  assert.equal(val(f, 'container_cpu_user_seconds_total'), 10);
  assert.equal(val(f, 'container_cpu_system_seconds_total'), 2.34);
  assert.equal(val(f, 'container_spec_memory_limit_bytes'), 268435456);
  assert.equal(val(f, 'container_spec_memory_reservation_limit_bytes'), 0);
  assert.equal(val(f, 'container_memory_usage_bytes'), 200000000);
  assert.equal(val(f, 'container_memory_max_usage_bytes'), 250000000);
  assert.equal(val(f, 'container_memory_working_set_bytes'), 150000000, 'usage - total_inactive_file');
  assert.equal(val(f, 'container_memory_rss'), 120000000);
  assert.equal(val(f, 'container_memory_cache'), 60000000);
  assert.equal(val(f, 'container_memory_failcnt'), 5);
  assert.equal(val(f, 'container_oom_events_total'), 2);
  assert.equal(idOf(f), '/docker/abc');
});

test('cgroup v1 on a host: the nested cgroup directory is read when it exists', async () => {
  const root = tree({
    'proc/self/cgroup': '4:memory:/user.slice\n',
    'sys/fs/cgroup/memory/memory.usage_in_bytes': '999\n',
    'sys/fs/cgroup/memory/user.slice/memory.usage_in_bytes': '123\n',
    'sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes': '9223372036854771712\n',
  });
  const f = await container(root);
  assert.equal(val(f, 'container_memory_usage_bytes'), 123);
  assert.equal(val(f, 'container_spec_memory_limit_bytes'), 0, 'v1 "unlimited" is 0');
});

test('no cgroup information (other kernels, missing mounts): no families, no failure', async () => {
  assert.equal((await container(tree({ 'proc/self/stat': '' }))).size, 0);
  assert.equal((await container(tree({ 'proc/self/cgroup': '0::/\n' }))).size, 0);
});

test('on this machine: the own cgroup is found and its numbers are consistent', async () => {
  const f = await container('/');
  assert.ok(f.size > 0, 'some container_* families on a Linux host with cgroups');
  const self = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  const id = idOf(f);
  assert.ok(id === self.unified || [...self.v1.values()].includes(id), `id ${id} is one of the process's cgroup paths`);
  const usage = val(f, 'container_cpu_usage_seconds_total');
  if (usage !== undefined) {
    const own = process.cpuUsage();
    assert.ok(usage >= (own.user + own.system) / 1e6 - 0.05, 'the cgroup used at least this process’s CPU time');
  }
  const mem = val(f, 'container_memory_usage_bytes');
  const ws = val(f, 'container_memory_working_set_bytes');
  if (mem !== undefined && ws !== undefined) assert.ok(mem > 0 && ws <= mem);
});

test('node_exporter --[no-]collector.<name> and --collector.disable-defaults select host collectors', () => {
  const all = selectHostCollectors({});
  assert.ok(all.enabled.includes('cpu') && all.enabled.includes('container') && all.enabled.includes('textfile'));
  const noCpu = selectHostCollectors({ cpu: false });
  assert.ok(!noCpu.enabled.includes('cpu') && noCpu.enabled.includes('meminfo'));
  const only = selectHostCollectors({ meminfo: true, wifi: true }, true);
  assert.deepEqual(only.enabled, ['meminfo']);
  assert.deepEqual(only.unimplemented, ['wifi']);
});

test('limits are remembered for the cache lifetime, usage is read every scrape', async () => {
  const cg = 'sys/fs/cgroup';
  const root = tree({
    'proc/self/cgroup': '0::/\n',
    [`${cg}/cgroup.controllers`]: 'memory\n',
    [`${cg}/memory.max`]: '1000\n',
    [`${cg}/memory.current`]: '10\n',
  });
  const ctx = () => new CollectContext(join(root, 'proc'), join(root, 'sys'), root);
  const cached = new CgroupFsCache(60_000);
  assert.equal((await readCgroupStats(ctx(), cached))!.memoryLimit, 1000);
  writeFileSync(join(root, cg, 'memory.max'), '2000\n');
  writeFileSync(join(root, cg, 'memory.current'), '20\n');
  const again = (await readCgroupStats(ctx(), cached))!;
  assert.equal(again.memoryLimit, 1000, 'limit from the cache');
  assert.equal(again.memoryUsage, 20, 'usage fresh');
  assert.equal((await readCgroupStats(ctx(), new CgroupFsCache(0)))!.memoryLimit, 2000);
});
