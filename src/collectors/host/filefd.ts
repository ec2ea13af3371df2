import { type CollectContext, fields, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_filefd_allocated/maximum from /proc/sys/fs/file-nr ("allocated unused maximum"). */
export const filefdCollector: SubCollector = {
  name: 'filefd',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const f = fields(await ctx.read(ctx.proc('sys/fs/file-nr')));
    if (f.length < 3) throw new Error('file-nr: unexpected content');
    out.gauge('node_filefd_allocated', 'File descriptor statistics: allocated.', num(f[0], 'file-nr'));
    out.gauge('node_filefd_maximum', 'File descriptor statistics: maximum.', num(f[2], 'file-nr'));
  },
};
