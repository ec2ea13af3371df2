/**
 * Silences (Alertmanager's silence package): matchers incl. regex and negative ones, states
 * pending/active/expired, create/update/expire with Alertmanager's rules, and a JSON snapshot in the data
 * directory written on every change and read on start. Expired silences are kept for `retention` (120h).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isValidLabelName, type Labels, type Matcher, RegexError } from '../model/index.ts';
import { readJson, writeAtomic } from './jsonl-file.ts';
import { type ApiMatcher, matcherFromApi, matcherToApi } from './matchers.ts';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

export interface SilenceInput {
  id?: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export class SilenceError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'not_found',
  ) {
    super(message);
  }
}

export const DEFAULT_SILENCE_RETENTION = 120 * 3600_000;

interface StoredSilence {
  id: string;
  matchers: ApiMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now < s.endsAt) return 'active';
  return 'expired';
}

function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i].name !== b[i].name || a[i].type !== b[i].type || a[i].value !== b[i].value) return false;
  return true;
}

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly file: string | undefined;
  private version = 0;

  constructor(private readonly opts: { dataDir?: string; now: () => number; retention?: number }) {
    this.file = opts.dataDir ? join(opts.dataDir, 'silences.json') : undefined;
    if (this.file) this.load(this.file);
  }

  private get retention(): number {
    return this.opts.retention ?? DEFAULT_SILENCE_RETENTION;
  }

  private load(file: string): void {
    const data = readJson<{ silences: StoredSilence[] }>(file);
    for (const s of data?.silences ?? []) {
      try {
        this.byId.set(s.id, { ...s, matchers: s.matchers.map(matcherFromApi) });
      } catch {
        // a matcher that no longer compiles: drop that silence
      }
    }
    this.gc();
  }

  private persist(): void {
    this.version++;
    if (!this.file) return;
    const silences: StoredSilence[] = [...this.byId.values()].map((s) => ({
      ...s,
      matchers: s.matchers.map(matcherToApi),
    }));
    writeAtomic(this.file, JSON.stringify({ silences }));
  }

  /** Changes with every set/expire/gc, so callers can cache per version. */
  get generation(): number {
    return this.version;
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  list(): Silence[] {
    return [...this.byId.values()];
  }

  state(s: Silence): SilenceState {
    return silenceState(s, this.opts.now());
  }

  private validate(s: SilenceInput): void {
    if (s.matchers.length === 0) throw new SilenceError('at least one matcher required', 'invalid');
    s.matchers.forEach((m, i) => {
      if (!isValidLabelName(m.name))
        throw new SilenceError(`invalid label matcher ${i}: invalid label name "${m.name}"`, 'invalid');
    });
    if (s.matchers.every((m) => m.matchesEmpty()))
      throw new SilenceError('at least one matcher must not match the empty string', 'invalid');
    if (!s.startsAt) throw new SilenceError('invalid zero start timestamp', 'invalid');
    if (!s.endsAt) throw new SilenceError('invalid zero end timestamp', 'invalid');
    if (s.endsAt < s.startsAt) throw new SilenceError('end time must not be before start time', 'invalid');
  }

  /** Creates or updates a silence; returns its id (a new id when the update cannot be done in place). */
  set(input: SilenceInput): string {
    this.validate(input);
    const now = this.opts.now();
    if (input.id) {
      const prev = this.byId.get(input.id);
      if (!prev) throw new SilenceError('silence not found', 'not_found');
      if (this.canUpdate(prev, input, now)) {
        this.byId.set(prev.id, { ...prev, ...input, id: prev.id, updatedAt: now });
        this.persist();
        return prev.id;
      }
      // Otherwise Alertmanager expires the old silence and creates a new one.
      if (silenceState(prev, now) !== 'expired') this.expireAt(prev, now);
    }
    const s: Silence = { ...input, id: randomUUID(), updatedAt: now };
    if (s.startsAt < now) s.startsAt = now;
    if (s.endsAt < s.startsAt) throw new SilenceError('end time must not be before start time', 'invalid');
    this.byId.set(s.id, s);
    this.persist();
    return s.id;
  }

  private canUpdate(a: Silence, b: SilenceInput, now: number): boolean {
    if (!sameMatchers(a.matchers, b.matchers)) return false;
    switch (silenceState(a, now)) {
      case 'active':
        return b.startsAt === a.startsAt && b.endsAt >= now;
      case 'pending':
        return b.startsAt >= now;
      default:
        return false;
    }
  }

  private expireAt(s: Silence, now: number): void {
    if (silenceState(s, now) === 'pending') s.startsAt = now;
    s.endsAt = now;
    s.updatedAt = now;
  }

  expire(id: string): void {
    const s = this.byId.get(id);
    if (!s) throw new SilenceError('silence not found', 'not_found');
    const now = this.opts.now();
    if (silenceState(s, now) === 'expired') throw new SilenceError(`silence ${id} already expired`, 'invalid');
    this.expireAt(s, now);
    this.persist();
  }

  /** IDs of the active silences that match the labels. */
  mutes(labels: Labels): string[] {
    const now = this.opts.now();
    const out: string[] = [];
    for (const s of this.byId.values()) {
      if (silenceState(s, now) !== 'active') continue;
      let ok = true;
      for (const m of s.matchers) {
        if (!m.matches(labels.get(m.name))) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s.id);
    }
    return out.sort();
  }

  /** Removes silences that expired more than `retention` ago. */
  gc(): number {
    const limit = this.opts.now() - this.retention;
    let n = 0;
    for (const [id, s] of this.byId) {
      if (s.endsAt < limit) {
        this.byId.delete(id);
        n++;
      }
    }
    if (n > 0) this.persist();
    return n;
  }
}

export { RegexError };
