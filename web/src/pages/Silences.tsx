import { useEffect, useMemo, useState } from 'preact/hooks';
import { Empty, ErrorBox, LabelBadges, Loading, PageTitle } from '../components/common.tsx';
import { apiV2 } from '../lib/api.ts';
import type { Labels } from '../lib/format.ts';
import { fromOp, type Matcher, matcherString, type Op, opOf, parseMatchers, validateMatcher } from '../lib/matchers.ts';
import { navigate } from '../lib/router.ts';
import { formatDuration, formatDurationShort, parseDuration } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  updatedAt?: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

const STATES = ['active', 'pending', 'expired'] as const;

function MatcherList({ ms }: { ms: Matcher[] }) {
  return (
    <span class="labels">
      {ms.map((m) => (
        <span class="badge" key={matcherString(m)}>
          {matcherString(m)}
        </span>
      ))}
    </span>
  );
}

function expire(id: string): Promise<void> {
  return apiV2(`silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

function SilenceList() {
  const [tab, setTab] = useState<(typeof STATES)[number]>('active');
  const [filter, setFilter] = useState('');
  const [actionError, setActionError] = useState<Error>();
  const r = useFetch((s) => apiV2<Silence[]>('silences', { signal: s }), [], 30_000);
  const list = useMemo(() => {
    const f = filter.toLowerCase();
    return (r.data ?? [])
      .filter((s) => s.status.state === tab)
      .filter(
        (s) => !f || `${s.matchers.map(matcherString).join(' ')} ${s.createdBy} ${s.comment}`.toLowerCase().includes(f),
      )
      .sort((a, b) =>
        tab === 'expired' ? Date.parse(b.endsAt) - Date.parse(a.endsAt) : Date.parse(a.endsAt) - Date.parse(b.endsAt),
      );
  }, [r.data, tab, filter]);
  const count = (st: string) => (r.data ?? []).filter((s) => s.status.state === st).length;
  return (
    <div>
      <PageTitle
        right={
          <a class="button primary" href="/silences/new">
            New silence
          </a>
        }
      >
        Silences
      </PageTitle>
      <div class="tabs">
        {STATES.map((st) => (
          <button
            type="button"
            key={st}
            class={tab === st ? 'tab active' : 'tab'}
            aria-selected={tab === st}
            role="tab"
            onClick={() => setTab(st)}
          >
            {st[0].toUpperCase() + st.slice(1)} ({count(st)})
          </button>
        ))}
        <input
          type="search"
          class="tab-search"
          placeholder="Filter"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      </div>
      {r.error && <ErrorBox error={r.error} title="Alertmanager API" />}
      {actionError && <ErrorBox error={actionError} />}
      {r.loading && !r.data && <Loading />}
      {r.data && list.length === 0 && <Empty>No {tab} silences.</Empty>}
      {list.map((s) => (
        <div class="card silence" key={s.id} data-silence-id={s.id}>
          <div class="silence-head">
            <MatcherList ms={s.matchers} />
            <span class="spacer" />
            <a class="button small" href={`/silences/${encodeURIComponent(s.id)}/edit`}>
              {s.status.state === 'expired' ? 'Recreate' : 'Edit'}
            </a>
            {s.status.state !== 'expired' && (
              <button
                type="button"
                class="danger small"
                onClick={() =>
                  expire(s.id).then(
                    () => r.reload(),
                    (e) => setActionError(e),
                  )
                }
              >
                Expire
              </button>
            )}
          </div>
          <div class="muted small">
            {s.status.state === 'pending'
              ? `starts in ${formatDurationShort(Date.parse(s.startsAt) - Date.now())}`
              : s.status.state === 'active'
                ? `ends in ${formatDurationShort(Date.parse(s.endsAt) - Date.now())}`
                : `expired ${formatDurationShort(Date.now() - Date.parse(s.endsAt))} ago`}{' '}
            · by {s.createdBy} · <a href={`/silences/${encodeURIComponent(s.id)}`}>{s.id}</a>
          </div>
          {s.comment && <div class="comment">{s.comment}</div>}
        </div>
      ))}
    </div>
  );
}

interface AmAlert {
  labels: Labels;
  fingerprint: string;
  startsAt: string;
  status: { state: string };
}

function Preview({ matchers }: { matchers: Matcher[] }) {
  const key = matchers.map(matcherString).join(',');
  const r = useFetch(
    (s) => {
      if (!matchers.length) return Promise.resolve([] as AmAlert[]);
      const q = new URLSearchParams();
      for (const m of matchers) q.append('filter', matcherString(m));
      q.set('silenced', 'true');
      q.set('inhibited', 'true');
      q.set('active', 'true');
      return apiV2<AmAlert[]>(`alerts?${q}`, { signal: s });
    },
    [key],
  );
  return (
    <section class="card preview">
      <h3>Affected alerts {r.data ? `(${r.data.length})` : ''}</h3>
      {r.error && <ErrorBox error={r.error} />}
      {r.data && r.data.length === 0 && <Empty>No current alerts match these matchers.</Empty>}
      {r.data?.slice(0, 100).map((a) => (
        <div class="preview-alert" key={a.fingerprint}>
          <LabelBadges labels={a.labels} />
        </div>
      ))}
    </section>
  );
}

const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** Create or edit a silence; `id` set = edit (Alertmanager replaces the old one). */
function SilenceForm({ id, search }: { id?: string; search: URLSearchParams }) {
  const existing = useFetch(
    (s) => (id ? apiV2<Silence>(`silence/${encodeURIComponent(id)}`, { signal: s }) : Promise.resolve(undefined)),
    [id],
  );
  const [rows, setRows] = useState<{ name: string; op: Op; value: string }[]>([]);
  const [start, setStart] = useState(toLocalInput(Date.now()));
  const [duration, setDuration] = useState('2h');
  const [createdBy, setCreatedBy] = useState(localStorage.getItem('osprey.silence.author') ?? '');
  const [comment, setComment] = useState('');
  const [parseError, setParseError] = useState<string>();
  const [submitError, setSubmitError] = useState<Error>();
  const [submitting, setSubmitting] = useState(false);
  /** The form's start and duration as loaded from the silence being edited, to tell whether they were changed. */
  const [loaded, setLoaded] = useState<{ start: string; duration: string }>();

  useEffect(() => {
    const filter = search.get('filter');
    if (!id && filter) {
      try {
        setRows(parseMatchers(filter).map((m) => ({ name: m.name, op: opOf(m), value: m.value })));
      } catch (e) {
        setParseError((e as Error).message);
      }
    } else if (!id) setRows([{ name: '', op: '=', value: '' }]);
  }, [id, search.get('filter')]);

  useEffect(() => {
    const s = existing.data;
    if (!s) return;
    setRows(s.matchers.map((m) => ({ name: m.name, op: opOf(m), value: m.value })));
    const st = Math.max(Date.parse(s.startsAt), s.status.state === 'expired' ? Date.now() : 0);
    setStart(toLocalInput(st));
    const d = Date.parse(s.endsAt) - Date.parse(s.startsAt);
    const dur = formatDuration(s.status.state === 'expired' ? 7_200_000 : d);
    setDuration(dur);
    setLoaded({ start: toLocalInput(st), duration: dur });
    setCreatedBy(s.createdBy);
    setComment(s.comment);
  }, [existing.data]);

  const matchers = rows.map((r) => fromOp(r.name.trim(), r.op, r.value));
  const rowErrors = matchers.map(validateMatcher);
  const startMs = Date.parse(start);
  const durMs = parseDuration(duration);
  const problems: string[] = [];
  if (!matchers.length) problems.push('at least one matcher is required');
  if (
    matchers.length &&
    matchers.every((m) => (m.isRegex ? new RegExp(`^(?:${safe(m.value)})$`).test('') : m.value === '') === m.isEqual)
  )
    problems.push('at least one matcher must not match the empty string');
  if (Number.isNaN(startMs)) problems.push('invalid start time');
  if (!durMs) problems.push('invalid duration (e.g. 2h, 1d)');
  if (!createdBy.trim()) problems.push('creator is required');
  if (!comment.trim()) problems.push('comment is required');
  const valid = problems.length === 0 && rowErrors.every((e) => e === null);
  const editingExpired = existing.data?.status.state === 'expired';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!valid) return;
    setSubmitting(true);
    setSubmitError(undefined);
    localStorage.setItem('osprey.silence.author', createdBy);
    try {
      // The start field has minute precision: when it was left alone, send the silence's own startsAt (and endsAt
      // when the duration was left alone too). Alertmanager updates a silence in place only when its start is
      // unchanged; otherwise it expires it and creates a new one.
      const old = editingExpired ? undefined : existing.data;
      const keepStart = old !== undefined && loaded?.start === start;
      const startsAt = keepStart ? old.startsAt : new Date(startMs).toISOString();
      const endsAt =
        keepStart && loaded?.duration === duration
          ? old.endsAt
          : new Date(Date.parse(startsAt) + durMs!).toISOString();
      const body: Record<string, unknown> = {
        matchers,
        startsAt,
        endsAt,
        createdBy: createdBy.trim(),
        comment: comment.trim(),
      };
      if (id && !editingExpired) body.id = id;
      const res = await apiV2<{ silenceID: string }>('silences', { method: 'POST', body });
      navigate(`/silences/${encodeURIComponent(res.silenceID)}`);
    } catch (err) {
      setSubmitError(err as Error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div>
      <PageTitle>{id ? (editingExpired ? 'Recreate silence' : 'Edit silence') : 'New silence'}</PageTitle>
      {existing.error && <ErrorBox error={existing.error} />}
      {parseError && <ErrorBox error={parseError} title="Could not read matchers from the link" />}
      <form class="card form" onSubmit={submit}>
        <fieldset>
          <legend>Matchers</legend>
          {rows.map((r, i) => (
            <div class="matcher-row" key={i}>
              <input
                aria-label={`Matcher ${i + 1} label name`}
                placeholder="label"
                value={r.name}
                onInput={(e) =>
                  setRows(rows.map((x, j) => (j === i ? { ...x, name: (e.target as HTMLInputElement).value } : x)))
                }
              />
              <select
                aria-label={`Matcher ${i + 1} operator`}
                value={r.op}
                onChange={(e) =>
                  setRows(rows.map((x, j) => (j === i ? { ...x, op: (e.target as HTMLSelectElement).value as Op } : x)))
                }
              >
                {['=', '!=', '=~', '!~'].map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Matcher ${i + 1} value`}
                placeholder="value"
                value={r.value}
                onInput={(e) =>
                  setRows(rows.map((x, j) => (j === i ? { ...x, value: (e.target as HTMLInputElement).value } : x)))
                }
              />
              <button
                type="button"
                class="icon"
                aria-label="Remove matcher"
                onClick={() => setRows(rows.filter((_, j) => j !== i))}
              >
                ✕
              </button>
              {rowErrors[i] && <div class="error-text small">{rowErrors[i]}</div>}
            </div>
          ))}
          <button
            type="button"
            class="secondary small"
            onClick={() => setRows([...rows, { name: '', op: '=', value: '' }])}
          >
            Add matcher
          </button>
        </fieldset>
        <div class="form-grid">
          <label>
            Start
            <input
              type="datetime-local"
              value={start}
              onInput={(e) => setStart((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Duration
            <input
              value={duration}
              onInput={(e) => setDuration((e.target as HTMLInputElement).value)}
              placeholder="2h"
            />
            <span class="muted small">
              {durMs && !Number.isNaN(startMs) ? `ends ${new Date(startMs + durMs).toLocaleString()}` : ''}
            </span>
          </label>
          <label>
            Creator
            <input
              value={createdBy}
              onInput={(e) => setCreatedBy((e.target as HTMLInputElement).value)}
              placeholder="you@example.com"
            />
          </label>
          <label class="wide">
            Comment
            <textarea rows={3} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          </label>
        </div>
        {problems.length > 0 && (
          <ul class="problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {submitError && <ErrorBox error={submitError} title="Alertmanager rejected the silence" />}
        <div class="form-actions">
          <button type="submit" class="primary" disabled={!valid || submitting}>
            {id && !editingExpired ? 'Update' : 'Create'}
          </button>
          <a class="button" href="/silences">
            Cancel
          </a>
        </div>
      </form>
      <Preview matchers={valid || rowErrors.every((e) => e === null) ? matchers.filter((m) => m.name) : []} />
    </div>
  );
}

function safe(re: string): string {
  try {
    new RegExp(re);
    return re;
  } catch {
    return '(?!)';
  }
}

function SilenceView({ id }: { id: string }) {
  const r = useFetch((s) => apiV2<Silence>(`silence/${encodeURIComponent(id)}`, { signal: s }), [id]);
  const [err, setErr] = useState<Error>();
  const s = r.data;
  return (
    <div>
      <PageTitle
        right={
          s && (
            <>
              <a class="button" href={`/silences/${encodeURIComponent(id)}/edit`}>
                {s.status.state === 'expired' ? 'Recreate' : 'Edit'}
              </a>
              {s.status.state !== 'expired' && (
                <button type="button" class="danger" onClick={() => expire(id).then(() => r.reload(), setErr)}>
                  Expire
                </button>
              )}
            </>
          )
        }
      >
        Silence
      </PageTitle>
      {r.error && <ErrorBox error={r.error} />}
      {err && <ErrorBox error={err} />}
      {r.loading && !s && <Loading />}
      {s && (
        <>
          <table class="table kv card">
            <tbody>
              <tr>
                <th>ID</th>
                <td class="mono">{s.id}</td>
              </tr>
              <tr>
                <th>State</th>
                <td>
                  <span
                    class={`pill ${s.status.state === 'active' ? 'ok' : s.status.state === 'pending' ? 'warn' : 'neutral'}`}
                    data-testid="silence-state"
                  >
                    {s.status.state.toUpperCase()}
                  </span>
                </td>
              </tr>
              <tr>
                <th>Matchers</th>
                <td>
                  <MatcherList ms={s.matchers} />
                </td>
              </tr>
              <tr>
                <th>Starts</th>
                <td>{new Date(s.startsAt).toLocaleString()}</td>
              </tr>
              <tr>
                <th>Ends</th>
                <td>{new Date(s.endsAt).toLocaleString()}</td>
              </tr>
              <tr>
                <th>Created by</th>
                <td>{s.createdBy}</td>
              </tr>
              <tr>
                <th>Comment</th>
                <td class="comment">{s.comment}</td>
              </tr>
            </tbody>
          </table>
          <Preview matchers={s.status.state === 'expired' ? [] : s.matchers} />
        </>
      )}
    </div>
  );
}

/** /silences, /silences/new, /silences/:id, /silences/:id/edit */
export function SilencesPage({ path, search }: { path: string; search: URLSearchParams }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[1] === 'new') return <SilenceForm search={search} />;
  if (parts[1] && parts[2] === 'edit') return <SilenceForm id={parts[1]} search={search} />;
  if (parts[1]) return <SilenceView id={parts[1]} />;
  return <SilenceList />;
}
