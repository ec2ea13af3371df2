import assert from 'node:assert/strict';
import { mkdir, statfs, symlink } from 'node:fs/promises';
import { machine } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeText } from '../../exposition/index.ts';
import { type FakeTree, type FamilyView, makeFakeTree, seriesValue, viewFamilies } from '../test-util.ts';
import { CollectContext } from './context.ts';
import * as fx from './fixtures.ts';
import { HostCollector } from './index.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0, 250);

let tree: FakeTree;
let fams: Map<string, FamilyView>;
let collector: HostCollector;

async function buildTree(): Promise<FakeTree> {
  const t = await makeFakeTree({
    'proc/stat': fx.PROC_STAT,
    'proc/meminfo': fx.MEMINFO,
    'proc/loadavg': fx.LOADAVG,
    'proc/diskstats': fx.DISKSTATS,
    'proc/net/dev': fx.NET_DEV,
    'proc/pressure/cpu': fx.PRESSURE_CPU,
    'proc/pressure/io': fx.PRESSURE_IO,
    'proc/pressure/memory': fx.PRESSURE_MEMORY,
    'proc/vmstat': fx.VMSTAT,
    'proc/sys/fs/file-nr': '640\t0\t2466183\n',
    'proc/sys/kernel/random/entropy_avail': '256\n',
    'proc/sys/kernel/random/poolsize': '4096\n',
    'proc/sys/kernel/ostype': 'Linux\n',
    'proc/sys/kernel/hostname': 'vm\n',
    'proc/sys/kernel/osrelease': '6.18.44-fc\n',
    'proc/sys/kernel/version': '#1 SMP PREEMPT_DYNAMIC @0\n',
    'proc/sys/kernel/domainname': '(none)\n',
    'proc/net/sockstat': fx.SOCKSTAT,
    'proc/net/sockstat6': fx.SOCKSTAT6,
    'proc/net/netstat': fx.NETSTAT,
    'proc/net/snmp': fx.SNMP,
    'proc/net/snmp6': fx.SNMP6,
    'proc/net/softnet_stat': fx.SOFTNET,
    'proc/net/arp': fx.ARP,
    'proc/sys/net/netfilter/nf_conntrack_count': '7\n',
    'proc/sys/net/netfilter/nf_conntrack_max': '262144\n',
    'proc/net/stat/nf_conntrack': fx.CONNTRACK_STAT,
    'sys/class/net/eth0/address': '02:fc:00:00:00:01\n',
    'sys/class/net/eth0/broadcast': 'ff:ff:ff:ff:ff:ff\n',
    'sys/class/net/eth0/duplex': 'full\n',
    'sys/class/net/eth0/ifalias': '\n',
    'sys/class/net/eth0/operstate': 'up\n',
    'sys/class/net/eth0/flags': '0x1003\n',
    'sys/class/net/eth0/mtu': '1400\n',
    'sys/class/net/eth0/speed': '1000\n',
    'sys/class/net/eth0/carrier_changes': '2\n',
    'sys/class/net/eth0/ifindex': '4\n',
    'sys/class/net/lo/address': '00:00:00:00:00:00\n',
    'sys/class/net/lo/operstate': 'unknown\n',
    'sys/class/net/lo/mtu': '65536\n',
    'sys/class/net/bonding_masters': '\n',
    'sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq': '3000000\n',
    'sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '2400000\n',
    'sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq': '1200000\n',
    'sys/devices/system/clocksource/clocksource0/available_clocksource': 'kvm-clock tsc acpi_pm \n',
    'sys/devices/system/clocksource/clocksource0/current_clocksource': 'tsc\n',
    'sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
    'sys/class/thermal/thermal_zone0/temp': '45000\n',
    'sys/class/thermal/cooling_device0/type': 'Processor\n',
    'sys/class/thermal/cooling_device0/cur_state': '0\n',
    'sys/class/thermal/cooling_device0/max_state': '3\n',
    'sys/class/net/eth0/statistics/rx_nohandler': '5\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/name': 'coretemp\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/temp1_input': '45000\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/temp1_crit': '100000\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/temp1_label': 'Package id 0\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/temp1_crit_alarm': '0\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/fan2_input': '1200\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/in0_input': '1250\n',
    'sys/devices/platform/coretemp.0/hwmon/hwmon0/in0_alarm': '1\n',
    'proc/net/udp': fx.UDP,
    'rootfs/etc/os-release': fx.OS_RELEASE,
    'rootfs/data/.keep': '',
  });
  await mkdir(join(t.sys, 'class/hwmon'), { recursive: true });
  await symlink(join(t.sys, 'devices/platform/coretemp.0/hwmon/hwmon0'), join(t.sys, 'class/hwmon/hwmon0'));
  await symlink(
    join(t.sys, 'devices/platform/coretemp.0'),
    join(t.sys, 'devices/platform/coretemp.0/hwmon/hwmon0/device'),
  );
  // Mount points as the kernel writes them for a container whose host root is at rootfs.
  await t.write(
    'proc/1/mounts',
    [
      `/dev/vda ${t.rootfs} ext4 rw,relatime 0 0`,
      `/dev/vdb ${t.rootfs}/data xfs ro,relatime 0 0`,
      `/dev/vdb ${t.rootfs}/data xfs ro,relatime 0 0`,
      `proc ${t.rootfs}/proc proc rw 0 0`,
      `tmpfs ${t.rootfs}/dev/shm tmpfs rw 0 0`,
      `cgroup2 ${t.rootfs}/cgroup cgroup2 rw 0 0`,
      `/dev/vdc ${t.rootfs}/my\\040disk ext4 rw 0 0`,
      `tmpfs ${t.rootfs}/run/credentials/x.service tmpfs ro 0 0`,
      '',
    ].join('\n'),
  );
  return t;
}

before(async () => {
  tree = await buildTree();
  collector = new HostCollector({ procPath: tree.proc, sysPath: tree.sys, rootfsPath: tree.rootfs, now: () => NOW });
  fams = viewFamilies(await collector.collect());
});

after(async () => {
  await tree.cleanup();
});

const v = (name: string, series = '{}') => seriesValue(fams, name, series);

describe('HostCollector on a fake tree', () => {
  test('cpu: per-CPU seconds by mode from USER_HZ ticks, guest time separately', () => {
    const f = fams.get('node_cpu_seconds_total')!;
    assert.equal(f.type, 'counter');
    assert.equal(f.help, 'Seconds the CPUs spent in each mode.');
    assert.equal(f.series.size, 16, 'the aggregate "cpu" line is not a CPU');
    assert.equal(v('node_cpu_seconds_total', '{cpu="0", mode="user"}'), 10.34);
    assert.equal(v('node_cpu_seconds_total', '{cpu="1", mode="iowait"}'), 2.35);
    assert.equal(v('node_cpu_seconds_total', '{cpu="1", mode="steal"}'), 0.08);
    assert.equal(v('node_cpu_guest_seconds_total', '{cpu="0", mode="user"}'), 0.03);
    assert.equal(v('node_cpu_guest_seconds_total', '{cpu="1", mode="nice"}'), 0.01);
  });

  test('cpufreq: kHz from sysfs in hertz, only files that exist', () => {
    assert.equal(v('node_cpu_frequency_max_hertz', '{cpu="0"}'), 3e9);
    assert.equal(v('node_cpu_scaling_frequency_hertz', '{cpu="1"}'), 1.2e9);
    assert.equal(fams.get('node_cpu_frequency_max_hertz')!.series.size, 1);
    assert.equal(fams.has('node_cpu_frequency_hertz'), false);
  });

  test('stat: boot time, context switches, forks, interrupts, procs', () => {
    assert.equal(v('node_boot_time_seconds'), 1795548445);
    assert.equal(v('node_context_switches_total'), 502770);
    assert.equal(fams.get('node_context_switches_total')!.type, 'counter');
    assert.equal(v('node_forks_total'), 6800);
    assert.equal(v('node_intr_total'), 164383);
    assert.equal(v('node_procs_running'), 4);
    assert.equal(v('node_procs_blocked'), 1);
    assert.equal(fams.get('node_procs_running')!.type, 'gauge');
  });

  test('meminfo: node_exporter name mangling and kB to bytes', () => {
    assert.equal(v('node_memory_MemTotal_bytes'), 24684096 * 1024);
    assert.equal(v('node_memory_Active_anon_bytes'), 1576 * 1024);
    assert.equal(v('node_memory_Inactive_file_bytes'), 74300 * 1024);
    assert.equal(v('node_memory_HugePages_Free'), 3, 'unitless fields keep their name and value');
    assert.equal(v('node_memory_Hugepagesize_bytes'), 2048 * 1024);
    assert.equal(fams.get('node_memory_Active_anon_bytes')!.help, 'Memory information field Active_anon_bytes.');
    assert.equal(fams.get('node_memory_MemTotal_bytes')!.type, 'gauge');
  });

  test('loadavg', () => {
    assert.equal(v('node_load1'), 0.45);
    assert.equal(v('node_load5'), 0.21);
    assert.equal(v('node_load15'), 0.09);
    assert.equal(fams.get('node_load1')!.help, '1m load average.');
  });

  test('diskstats: partitions/loop excluded, sectors to bytes, ms to seconds, older kernels have fewer fields', () => {
    const devices = [...fams.get('node_disk_reads_completed_total')!.series.keys()];
    assert.deepEqual(devices.sort(), ['{device="nvme0n1"}', '{device="vda"}']);
    assert.equal(v('node_disk_reads_completed_total', '{device="vda"}'), 32709);
    assert.equal(v('node_disk_read_bytes_total', '{device="vda"}'), 1911578 * 512);
    assert.equal(v('node_disk_written_bytes_total', '{device="vda"}'), 1842952 * 512);
    assert.equal(v('node_disk_read_time_seconds_total', '{device="vda"}'), 10.961);
    assert.equal(v('node_disk_io_now', '{device="vda"}'), 2);
    assert.equal(fams.get('node_disk_io_now')!.type, 'gauge');
    assert.equal(v('node_disk_io_time_weighted_seconds_total', '{device="vda"}'), 14.945);
    assert.equal(v('node_disk_discarded_sectors_total', '{device="vda"}'), 80816);
    assert.equal(v('node_disk_flush_requests_total', '{device="vda"}'), 951);
    assert.equal(v('node_disk_flush_requests_time_seconds_total', '{device="vda"}'), 0.034);
    assert.equal(v('node_disk_info', '{device="vda", major="254", minor="0"}'), 1);
    assert.equal(fams.get('node_disk_discards_completed_total')!.series.has('{device="nvme0n1"}'), false);
    assert.equal(v('node_disk_io_time_seconds_total', '{device="nvme0n1"}'), 0.014);
  });

  test('netdev: all 16 /proc/net/dev columns as counters per device, lo included', () => {
    assert.equal(v('node_network_receive_bytes_total', '{device="eth0"}'), 130891839);
    assert.equal(v('node_network_receive_bytes_total', '{device="lo"}'), 447375);
    assert.equal(v('node_network_receive_errs_total', '{device="eth0"}'), 1);
    assert.equal(v('node_network_receive_multicast_total', '{device="eth0"}'), 6);
    assert.equal(v('node_network_transmit_packets_total', '{device="eth0"}'), 2289);
    assert.equal(v('node_network_transmit_colls_total', '{device="eth0"}'), 10);
    assert.equal(v('node_network_transmit_compressed_total', '{device="eth0"}'), 12);
    assert.equal(fams.get('node_network_receive_bytes_total')!.help, 'Network device statistic receive_bytes.');
  });

  test('netclass: info labels, up, numeric properties; non-devices skipped', () => {
    assert.equal(
      v(
        'node_network_info',
        '{address="02:fc:00:00:00:01", broadcast="ff:ff:ff:ff:ff:ff", device="eth0", duplex="full", operstate="up"}',
      ),
      1,
    );
    assert.equal(v('node_network_up', '{device="eth0"}'), 1);
    assert.equal(v('node_network_up', '{device="lo"}'), 0);
    assert.equal(v('node_network_flags', '{device="eth0"}'), 4099);
    assert.equal(v('node_network_speed_bytes', '{device="eth0"}'), 125_000_000);
    assert.equal(v('node_network_mtu_bytes', '{device="lo"}'), 65536);
    assert.equal(fams.get('node_network_carrier_changes_total')!.type, 'counter');
    assert.equal(fams.get('node_network_up')!.series.has('{device="bonding_masters"}'), false);
  });

  test('filesystem: statfs sizes, rootfs prefix stripped, exclusions, dedupe, escapes, errors', async () => {
    const s = await statfs(tree.rootfs);
    const root = '{device="/dev/vda", fstype="ext4", mountpoint="/"}';
    assert.equal(v('node_filesystem_size_bytes', root), s.blocks * s.bsize);
    assert.equal(v('node_filesystem_files', root), s.files);
    assert.equal(v('node_filesystem_readonly', root), 0);
    assert.equal(v('node_filesystem_device_error', root), 0);
    const data = '{device="/dev/vdb", fstype="xfs", mountpoint="/data"}';
    assert.equal(v('node_filesystem_readonly', data), 1);
    // "/my disk" does not exist in the fake rootfs, so statfs fails: only the error and readonly series.
    const missing = '{device="/dev/vdc", fstype="ext4", mountpoint="/my disk"}';
    assert.equal(v('node_filesystem_device_error', missing), 1);
    assert.equal(fams.get('node_filesystem_size_bytes')!.series.has(missing), false);
    const mountpoints = [...fams.get('node_filesystem_device_error')!.series.keys()];
    assert.equal(mountpoints.length, 3, `excluded /proc, /dev/shm, cgroup2, /run/credentials; got ${mountpoints}`);
    assert.equal(
      fams.get('node_filesystem_avail_bytes')!.help,
      'Filesystem space available to non-root users in bytes.',
    );
  });

  test('uname and os-release', () => {
    const uname = `{domainname="(none)", machine="${machine()}", nodename="vm", release="6.18.44-fc", sysname="Linux", version="#1 SMP PREEMPT_DYNAMIC @0"}`;
    assert.equal(v('node_uname_info', uname), 1);
    assert.equal(
      v(
        'node_os_info',
        '{id="debian", name="Debian GNU/Linux", pretty_name="Debian GNU/Linux 12 (bookworm)", version="12 (bookworm)", version_codename="bookworm", version_id="12"}',
      ),
      1,
    );
    assert.equal(v('node_os_version', '{id="debian", name="Debian GNU/Linux"}'), 12);
  });

  test('time: clock, zone offset and clocksources', () => {
    assert.equal(v('node_time_seconds'), NOW / 1000);
    assert.equal(fams.get('node_time_zone_offset_seconds')!.series.size, 1);
    assert.equal(v('node_time_clocksource_available_info', '{clocksource="acpi_pm", device="0"}'), 1);
    assert.equal(fams.get('node_time_clocksource_available_info')!.series.size, 3);
    assert.equal(v('node_time_clocksource_current_info', '{clocksource="tsc", device="0"}'), 1);
  });

  test('pressure: microseconds to seconds, cpu has no "full" metric', () => {
    assert.equal(v('node_pressure_cpu_waiting_seconds_total'), 12.65127);
    assert.equal(v('node_pressure_io_waiting_seconds_total'), 2.32728);
    assert.equal(v('node_pressure_io_stalled_seconds_total'), 2.158305);
    assert.equal(v('node_pressure_memory_waiting_seconds_total'), 0.000005);
    assert.equal(v('node_pressure_memory_stalled_seconds_total'), 1.5);
    assert.equal(fams.has('node_pressure_cpu_stalled_seconds_total'), false);
  });

  test('vmstat: the default field subset, untyped', () => {
    assert.equal(v('node_vmstat_pgfault'), 1702702);
    assert.equal(v('node_vmstat_oom_kill'), 2);
    assert.equal(v('node_vmstat_pgpgin'), 936445);
    assert.equal(fams.get('node_vmstat_pgfault')!.type, 'unknown');
    assert.equal(fams.has('node_vmstat_nr_free_pages'), false);
    assert.equal(fams.has('node_vmstat_pgfree'), false);
  });

  test('filefd, entropy', () => {
    assert.equal(v('node_filefd_allocated'), 640);
    assert.equal(v('node_filefd_maximum'), 2466183);
    assert.equal(v('node_entropy_available_bits'), 256);
    assert.equal(v('node_entropy_pool_size_bits'), 4096);
  });

  test('sockstat: IPv4 and IPv6, mem in pages and bytes', () => {
    assert.equal(v('node_sockstat_sockets_used'), 18);
    assert.equal(v('node_sockstat_TCP_tw'), 1);
    assert.equal(v('node_sockstat_TCP_mem'), 5);
    assert.equal(v('node_sockstat_TCP_mem_bytes'), 5 * 4096);
    assert.equal(v('node_sockstat_UDP_mem_bytes'), 6 * 4096);
    assert.equal(v('node_sockstat_TCP6_inuse'), 7);
    assert.equal(v('node_sockstat_FRAG6_memory'), 0);
    assert.equal(fams.get('node_sockstat_TCP_alloc')!.help, 'Number of TCP sockets in state alloc.');
  });

  test('netstat: default field subset from netstat, snmp and snmp6', () => {
    assert.equal(v('node_netstat_TcpExt_SyncookiesRecv'), 2);
    assert.equal(v('node_netstat_TcpExt_ListenDrops'), 3);
    assert.equal(v('node_netstat_IpExt_InOctets'), 130905585);
    assert.equal(v('node_netstat_Ip_Forwarding'), 2);
    assert.equal(v('node_netstat_Tcp_CurrEstab'), 2);
    assert.equal(v('node_netstat_Udp_OutDatagrams'), 30);
    assert.equal(v('node_netstat_Ip6_InOctets'), 128);
    assert.equal(v('node_netstat_Icmp6_InErrors'), 1);
    assert.equal(v('node_netstat_UdpLite6_InErrors'), 0);
    assert.equal(fams.has('node_netstat_TcpExt_TW'), false);
    assert.equal(fams.has('node_netstat_Ip_DefaultTTL'), false);
    assert.equal(fams.get('node_netstat_Tcp_InSegs')!.help, 'Statistic TcpInSegs.');
  });

  test('softnet, arp, conntrack, thermal', () => {
    assert.equal(v('node_softnet_processed_total', '{cpu="1"}'), 0xdc6);
    assert.equal(v('node_softnet_dropped_total', '{cpu="1"}'), 2);
    assert.equal(v('node_softnet_times_squeezed_total', '{cpu="1"}'), 1);
    assert.equal(v('node_arp_entries', '{device="eth0"}'), 2);
    assert.equal(v('node_arp_entries', '{device="eth1"}'), 1);
    assert.equal(v('node_nf_conntrack_entries'), 7);
    assert.equal(v('node_nf_conntrack_entries_limit'), 262144);
    assert.equal(v('node_nf_conntrack_stat_found'), 3);
    assert.equal(v('node_nf_conntrack_stat_invalid'), 11);
    assert.equal(v('node_nf_conntrack_stat_search_restart'), 16);
    assert.equal(v('node_thermal_zone_temp', '{type="x86_pkg_temp", zone="0"}'), 45);
    assert.equal(v('node_cooling_device_max_state', '{name="0", type="Processor"}'), 3);
  });

  test('hwmon: chip from the device path, units converted, labels sanitised', () => {
    const chip = 'chip="platform_coretemp_0"';
    assert.equal(v('node_hwmon_temp_celsius', `{${chip}, sensor="temp1"}`), 45);
    assert.equal(v('node_hwmon_temp_crit_celsius', `{${chip}, sensor="temp1"}`), 100);
    assert.equal(v('node_hwmon_temp_crit_alarm_celsius', `{${chip}, sensor="temp1"}`), 0);
    assert.equal(v('node_hwmon_in_volts', `{${chip}, sensor="in0"}`), 1.25);
    assert.equal(v('node_hwmon_in_alarm', `{${chip}, sensor="in0"}`), 1);
    assert.equal(v('node_hwmon_fan_rpm', `{${chip}, sensor="fan2"}`), 1200);
    assert.equal(v('node_hwmon_chip_names', `{${chip}, chip_name="coretemp"}`), 1);
    assert.equal(v('node_hwmon_sensor_label', `{${chip}, label="package_id_0", sensor="temp1"}`), 1);
    assert.equal(fams.get('node_hwmon_temp_celsius')!.help, 'Hardware monitor for temperature (input)');
  });

  test('udp queues, rx_nohandler, selinux disabled', () => {
    assert.equal(v('node_udp_queues', '{ip="v4", queue="tx"}'), 0x10);
    assert.equal(v('node_udp_queues', '{ip="v4", queue="rx"}'), 0x300);
    assert.equal(fams.get('node_udp_queues')!.series.size, 2, 'no udp6 file, no v6 series');
    assert.equal(v('node_network_receive_nohandler_total', '{device="eth0"}'), 5);
    assert.equal(fams.get('node_network_receive_nohandler_total')!.series.size, 1);
    assert.equal(v('node_selinux_enabled'), 0);
  });

  test('every sub-collector reports success and duration', () => {
    const success = fams.get('node_scrape_collector_success')!;
    assert.equal(success.series.size, collector.collectorNames.length);
    for (const name of collector.collectorNames) {
      assert.equal(v('node_scrape_collector_success', `{collector="${name}"}`), 1, name);
      assert.ok(v('node_scrape_collector_duration_seconds', `{collector="${name}"}`) >= 0);
    }
  });

  test('text exposition of the output keeps node_exporter names and types', () => {
    return collector.collect().then((families) => {
      const text = writeText(families);
      assert.match(text, /^# TYPE node_vmstat_pgfault untyped$/m);
      assert.match(text, /^node_memory_Active_anon_bytes 1\.613824e\+06$/m);
      assert.match(text, /^node_cpu_seconds_total\{cpu="0",mode="idle"\} 948\.62$/m);
    });
  });

  test('series labels are reused between collects', async () => {
    const a = await collector.collect();
    const b = await collector.collect();
    const la = a.find((f) => f.name === 'node_load1')!.samples[0].labels;
    const lb = b.find((f) => f.name === 'node_load1')!.samples[0].labels;
    assert.equal(la, lb);
  });
});

describe('HostCollector failure isolation and selection', () => {
  test('a failing sub-collector reports success 0 and its metrics are absent; others are unaffected', async () => {
    const t = await makeFakeTree({ 'proc/stat': fx.PROC_STAT, 'proc/loadavg': 'garbage\n' });
    try {
      const errors: string[] = [];
      const c = new HostCollector({
        procPath: t.proc,
        sysPath: t.sys,
        rootfsPath: t.rootfs,
        enabled: ['cpu', 'loadavg', 'meminfo'],
        onError: (name) => errors.push(name),
      });
      const f = viewFamilies(await c.collect());
      assert.equal(seriesValue(f, 'node_scrape_collector_success', '{collector="cpu"}'), 1);
      assert.equal(seriesValue(f, 'node_scrape_collector_success', '{collector="loadavg"}'), 0);
      assert.equal(seriesValue(f, 'node_scrape_collector_success', '{collector="meminfo"}'), 0);
      assert.ok(seriesValue(f, 'node_scrape_collector_duration_seconds', '{collector="meminfo"}') >= 0);
      assert.equal(f.has('node_load1'), false);
      assert.equal(f.get('node_cpu_seconds_total')!.series.size, 16);
      assert.deepEqual(errors.sort(), ['loadavg', 'meminfo']);
      assert.equal(f.get('node_scrape_collector_success')!.series.size, 3, 'only enabled collectors run');
    } finally {
      await t.cleanup();
    }
  });

  test('an unknown collector name is rejected', () => {
    assert.throws(() => new HostCollector({ enabled: ['cpu', 'nosuch'] }), /unknown host collector\(s\): nosuch/);
  });

  test('mounts fall back to /proc/mounts when /proc/1/mounts is missing', async () => {
    const t = await makeFakeTree();
    try {
      await t.write('proc/mounts', `/dev/vda ${t.rootfs} ext4 ro 0 0\n`);
      const c = new HostCollector({ procPath: t.proc, sysPath: t.sys, rootfsPath: t.rootfs, enabled: ['filesystem'] });
      const f = viewFamilies(await c.collect());
      assert.equal(seriesValue(f, 'node_filesystem_readonly', '{device="/dev/vda", fstype="ext4", mountpoint="/"}'), 1);
    } finally {
      await t.cleanup();
    }
  });

  test('a file is read once per collect even when several sub-collectors need it', async () => {
    const t = await makeFakeTree({ 'proc/stat': fx.PROC_STAT });
    try {
      const ctx = new CollectContext(t.proc, t.sys, t.rootfs);
      const first = ctx.read(ctx.proc('stat'));
      assert.equal(ctx.read(ctx.proc('stat')), first);
      assert.equal(await first, fx.PROC_STAT);
      assert.notEqual(
        new CollectContext(t.proc, t.sys, t.rootfs).read(ctx.proc('stat')),
        first,
        'a new collect reads afresh',
      );
    } finally {
      await t.cleanup();
    }
  });
});
