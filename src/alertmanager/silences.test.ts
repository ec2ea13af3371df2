import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Labels, Matcher, MatchType } from '../model/index.ts';
import { SilenceError, Silences } from './silences.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-sil-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const H = 3600_000;

describe('silences', () => {
  let now = 1_000_000_000_000;
  const clock = () => now;
  const eq = (n: string, v: string) => new Matcher(MatchType.Equal, n, v);

  test('states, matching and in-place vs. replacing updates', () => {
    const s = new Silences({ now: clock });
    const id = s.set({
      matchers: [eq('a', '1')],
      startsAt: now + H,
      endsAt: now + 2 * H,
      createdBy: 'x',
      comment: 'c',
    });
    assert.equal(s.state(s.get(id)!), 'pending');
    assert.deepEqual(s.mutes(Labels.fromObject({ a: '1' })), [], 'pending does not mute');
    now += H;
    assert.equal(s.state(s.get(id)!), 'active');
    assert.deepEqual(s.mutes(Labels.fromObject({ a: '1', b: '2' })), [id]);
    // Extending an active silence keeps its id.
    const sil = s.get(id)!;
    assert.equal(s.set({ ...sil, endsAt: now + 5 * H }), id);
    // Changing matchers of an active silence expires it and creates a new one.
    const id2 = s.set({ ...s.get(id)!, matchers: [eq('a', '2')] });
    assert.notEqual(id2, id);
    assert.equal(s.state(s.get(id)!), 'expired');
    assert.throws(() => s.expire(id), /already expired/);
    assert.throws(
      () => s.set({ ...sil, id: 'missing' }),
      (e: unknown) => e instanceof SilenceError && e.kind === 'not_found',
    );
  });

  test('negative and regex matchers; validation', () => {
    const s = new Silences({ now: clock });
    const id = s.set({
      matchers: [new Matcher(MatchType.Regex, 'job', 'api|web'), new Matcher(MatchType.NotEqual, 'env', 'prod')],
      startsAt: now,
      endsAt: now + H,
      createdBy: 'x',
      comment: '',
    });
    assert.deepEqual(s.mutes(Labels.fromObject({ job: 'api', env: 'dev' })), [id]);
    assert.deepEqual(s.mutes(Labels.fromObject({ job: 'api' })), [id], 'missing env is "" which is != prod');
    assert.deepEqual(s.mutes(Labels.fromObject({ job: 'api', env: 'prod' })), []);
    assert.deepEqual(s.mutes(Labels.fromObject({ job: 'db' })), []);
    const base = { startsAt: now, endsAt: now + H, createdBy: 'x', comment: '' };
    assert.throws(() => s.set({ ...base, matchers: [] }), /at least one matcher required/);
    assert.throws(
      () => s.set({ ...base, matchers: [new Matcher(MatchType.Regex, 'a', '.*')] }),
      /must not match the empty string/,
    );
    assert.throws(
      () => s.set({ ...base, matchers: [eq('a', '1')], endsAt: now - 1 }),
      /end time must not be before start time/,
    );
  });

  test('persisted on every change, reloaded on start, expired ones kept for the retention', () => {
    const a = new Silences({ dataDir: dir, now: clock, retention: 10 * H });
    const id = a.set({ matchers: [eq('x', 'y')], startsAt: now, endsAt: now + H, createdBy: 'me', comment: 'persist' });
    const keep = a.set({ matchers: [eq('k', 'v')], startsAt: now, endsAt: now + H, createdBy: 'me', comment: 'keep' });
    assert.ok(readFileSync(join(dir, 'silences.json'), 'utf8').includes('persist'));
    a.expire(id);
    const b = new Silences({ dataDir: dir, now: clock, retention: 10 * H });
    assert.equal(b.get(id)?.comment, 'persist');
    assert.equal(b.state(b.get(id)!), 'expired');
    assert.equal(b.get(keep)?.matchers[0].toString(), 'k="v"');
    now += 5 * H;
    assert.equal(b.gc(), 0, 'expired silences are kept for the retention');
    assert.equal(b.list().length, 2);
    now += 7 * H;
    assert.equal(b.gc(), 2, 'both past retention now');
    const c = new Silences({ dataDir: dir, now: clock, retention: 10 * H });
    assert.equal(c.list().length, 0);
  });
});
