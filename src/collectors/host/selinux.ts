import { type CollectContext, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

const MODES: Record<string, number> = { disabled: -1, permissive: 0, enforcing: 1 };

/**
 * node_selinux_enabled, and when SELinux is on, its configured and current mode
 * (-1 disabled, 0 permissive, 1 enforcing). Enabled means selinuxfs is mounted at /sys/fs/selinux.
 */
export const selinuxCollector: SubCollector = {
  name: 'selinux',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const enforce = await ctx.readOptional(ctx.sys('fs/selinux/enforce'));
    if (enforce === undefined) {
      out.gauge('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', 0);
      return;
    }
    out.gauge('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', 1);
    out.gauge('node_selinux_current_mode', 'SELinux current mode', enforce.trim() === '1' ? 1 : 0);
    const config = await ctx.readOptional(ctx.rootfs('etc/selinux/config'));
    for (const line of lines(config ?? '')) {
      const m = /^\s*SELINUX\s*=\s*(\w+)/.exec(line);
      if (m && MODES[m[1].toLowerCase()] !== undefined) {
        out.gauge('node_selinux_config_mode', 'Configured SELinux enforcement mode', MODES[m[1].toLowerCase()]);
        break;
      }
    }
  },
};
