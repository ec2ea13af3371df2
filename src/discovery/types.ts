import type { FileSDConfig, StaticConfig, TargetGroup } from '../config/types.ts';

export type { TargetGroup };

/** A pino-compatible logger (pino, fastify's logger, or console-like objects). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};

/**
 * A source of target groups. `start` calls `onUpdate` with the discoverer's complete current set of
 * groups each time it changes (each call replaces everything the discoverer reported before);
 * it should call it once promptly (synchronously when it can) with the initial set.
 */
export interface Discoverer {
  start(onUpdate: (groups: TargetGroup[]) => void): void;
  stop(): void;
}

/** The service-discovery part of a scrape config or an alertmanager config. */
export interface DiscoveryConfigSet {
  static_configs: StaticConfig[];
  file_sd_configs: FileSDConfig[];
  /** Other mechanisms (kubernetes_sd_configs, ...) are not implemented yet; they are reported once. */
  other_sd_configs?: Record<string, unknown[]>;
}
