/** Fake /proc and /sys content for the host collector unit tests (shapes copied from a Linux 6.x host). */
export const PROC_STAT = `cpu  2468 10 1990 188602 266 3 30 13 7 2
cpu0 1034 4 775 94862 31 1 7 5 3 1
cpu1 1434 6 1215 93740 235 2 23 8 4 1
intr 164383 0 0 1 1 13
ctxt 502770
btime 1795548445
processes 6800
procs_running 4
procs_blocked 1
softirq 107495 0 15270 4 4331 37161 0 2 28124 0 22603
`;

export const MEMINFO = `MemTotal:       24684096 kB
MemFree:        24378032 kB
MemAvailable:   24349440 kB
Active(anon):       1576 kB
Inactive(file):    74300 kB
HugePages_Total:       0
HugePages_Free:        3
Hugepagesize:       2048 kB
`;

export const LOADAVG = '0.45 0.21 0.09 1/234 5678\n';

export const DISKSTATS = `   7       0 loop0 10 0 20 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 32709 8120 1911578 10961 7486 15554 1842952 3753 2 3956 14945 3677 16 80816 197 951 34
 254       1 vda1 100 0 200 10 0 0 0 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 5 6 8 9 10 11 12 13 0 14 15
 259       1 nvme0n1p1 5 6 7 8 9 10 11 12 0 13 14
`;

export const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  447375    1200    0    0    0     0          0         0   447375    1200    0    0    0     0       0          0
  eth0: 130891839    3498    1    2    3     4          5         6   291740    2289    7    8    9    10      11         12
`;

export const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

export const PRESSURE_CPU = `some avg10=1.72 avg60=2.04 avg300=1.47 total=12651270
full avg10=0.00 avg60=0.00 avg300=0.00 total=0
`;
export const PRESSURE_IO = `some avg10=0.00 avg60=0.00 avg300=0.00 total=2327280
full avg10=0.00 avg60=0.00 avg300=0.00 total=2158305
`;
export const PRESSURE_MEMORY = `some avg10=0.00 avg60=0.00 avg300=0.00 total=5
full avg10=0.00 avg60=0.00 avg300=0.00 total=1500000
`;

export const VMSTAT = `nr_free_pages 6094508
pgpgin 936445
pgpgout 920632
pswpin 0
pswpout 0
pgfault 1702702
pgmajfault 894
pgfree 123
oom_kill 2
`;

export const SOCKSTAT = `sockets: used 18
TCP: inuse 2 orphan 0 tw 1 alloc 3 mem 5
UDP: inuse 4 mem 6
UDPLITE: inuse 0
RAW: inuse 0
FRAG: inuse 0 memory 0
`;
export const SOCKSTAT6 = `TCP6: inuse 7
UDP6: inuse 0
UDPLITE6: inuse 0
RAW6: inuse 0
FRAG6: inuse 0 memory 0
`;

export const NETSTAT = `TcpExt: SyncookiesSent SyncookiesRecv TW ListenDrops TCPTimeouts
TcpExt: 1 2 11 3 4
IpExt: InNoRoutes InOctets OutOctets
IpExt: 0 130905585 321740
`;
export const SNMP = `Ip: Forwarding DefaultTTL InReceives InHdrErrors
Ip: 2 64 3600 0
Tcp: RtoAlgorithm ActiveOpens PassiveOpens InSegs OutSegs CurrEstab InErrs
Tcp: 1 50 3 3498 2283 2 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors
Udp: 29 0 0 30 0 0
`;
export const SNMP6 = `Ip6InReceives                   	1
Ip6InOctets                     	128
Icmp6InErrors                   	1
UdpLite6InErrors                	0
`;

export const SOFTNET = `00000023 00000000 00000000 00000000 00000000
00000dc6 00000002 00000001 00000000 00000000
`;

export const ARP = `IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
192.0.2.2        0x1         0x2         02:fc:00:00:00:06     *        eth0
10.0.0.1         0x1         0x2         02:fc:00:00:00:07     *        eth1
`;

export const CONNTRACK_STAT = `entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
00000000  00000000 00000001 00000000 0000000a 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
00000000  00000000 00000002 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000003 00000000 00000000  00000000 00000000 00000000 00000010
`;

export const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 00000000:0044 00000000:0000 07 00000010:00000100 00:00000000 00000000     0        0 1234 2 0000000000000000 0
  2: 0100007F:0035 00000000:0000 07 00000000:00000200 00:00000000 00000000   101        0 1235 2 0000000000000000 0
`;
