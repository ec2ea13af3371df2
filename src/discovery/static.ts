import type { StaticConfig, TargetGroup } from '../config/types.ts';
import type { Discoverer } from './types.ts';

/** static_configs: fixed groups with sources "0", "1", ... as in Prometheus. */
export class StaticDiscoverer implements Discoverer {
  private readonly groups: TargetGroup[];

  constructor(configs: readonly StaticConfig[]) {
    this.groups = configs.map((c, i) => ({
      targets: [...(c.targets ?? [])],
      labels: { ...(c.labels ?? {}) },
      source: String(i),
    }));
  }

  start(onUpdate: (groups: TargetGroup[]) => void): void {
    onUpdate(this.groups);
  }

  stop(): void {}
}
