import { machine } from 'node:os';
import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/**
 * node_uname_info. node_exporter calls uname(2); the same strings are in /proc/sys/kernel,
 * which keeps this testable against a fake tree. The machine name is not there, so it comes from os.machine().
 */
export const unameCollector: SubCollector = {
  name: 'uname',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const k = (f: string) => ctx.read(ctx.proc('sys/kernel', f)).then((s) => s.trim());
    const [sysname, nodename, release, version, domainname] = await Promise.all([
      k('ostype'),
      k('hostname'),
      k('osrelease'),
      k('version'),
      k('domainname'),
    ]);
    out.gauge(
      'node_uname_info',
      'Labeled system information as provided by the uname system call.',
      1,
      'domainname',
      domainname,
      'machine',
      machine(),
      'nodename',
      nodename,
      'release',
      release,
      'sysname',
      sysname,
      'version',
      version,
    );
  },
};
