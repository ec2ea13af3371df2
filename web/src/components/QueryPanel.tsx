import { lazy, Suspense } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiV1 } from '../lib/api.ts';
import type { PanelState } from '../lib/panel-state.ts';
import { autoStep, formatDuration, formatTime, parseDuration, parseTime } from '../lib/time.ts';
import { ErrorBox } from './common.tsx';
import { type QueryResult, ResultTable } from './ResultTable.tsx';
import { TimeChart } from './TimeChart.tsx';

const PromqlEditor = lazy(() => import('./PromqlEditor.tsx').then((m) => ({ default: m.PromqlEditor })));

const RANGE_STEPS = [
  '1m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '6h',
  '12h',
  '1d',
  '2d',
  '1w',
  '2w',
  '4w',
  '8w',
  '24w',
  '1y',
];

interface Props {
  index: number;
  state: PanelState;
  onChange: (s: PanelState) => void;
  onRemove?: () => void;
}

interface RunResult {
  kind: 'table' | 'graph';
  data?: QueryResult;
  error?: Error;
  warnings?: string[];
  start: number;
  end: number;
  step: number;
  tookMs: number;
}

/** One query panel of the graph page: editor, tabs, time controls, and its result. */
export function QueryPanel({ index, state, onChange, onRemove }: Props) {
  const [draft, setDraft] = useState(state.expr);
  const [result, setResult] = useState<RunResult>();
  const [loading, setLoading] = useState(false);
  const [runSeq, setRunSeq] = useState(0);
  const rangeMs = parseDuration(state.range) ?? 3_600_000;
  const endMs = state.end ? parseTime(state.end) : null;

  useEffect(() => setDraft(state.expr), [state.expr]);

  const set = (patch: Partial<PanelState>) => onChange({ ...state, ...patch });
  const execute = (text: string = draft) => {
    if (text !== draft) setDraft(text);
    if (text !== state.expr) set({ expr: text });
    setRunSeq((n) => n + 1);
  };

  // Run whenever the committed expression, tab or time controls change (and on explicit Execute).
  useEffect(() => {
    if (!state.expr.trim()) {
      setResult(undefined);
      return;
    }
    const ctl = new AbortController();
    const end = endMs ?? Date.now();
    const start = end - rangeMs;
    const stepSec = parseDuration(state.step) ? parseDuration(state.step)! / 1000 : autoStep(rangeMs);
    const t0 = performance.now();
    setLoading(true);
    const req =
      state.tab === 'graph'
        ? apiV1<QueryResult>(
            'query_range',
            { query: state.expr, start: String(start / 1000), end: String(end / 1000), step: String(stepSec) },
            ctl.signal,
          )
        : apiV1<QueryResult>('query', { query: state.expr, time: String(end / 1000) }, ctl.signal);
    req.then(
      (r) => {
        setResult({
          kind: state.tab,
          data: r.data,
          warnings: r.warnings,
          start,
          end,
          step: stepSec * 1000,
          tookMs: performance.now() - t0,
        });
        setLoading(false);
      },
      (e: Error) => {
        if (e.name === 'AbortError') return;
        setResult({ kind: state.tab, error: e, start, end, step: stepSec * 1000, tookMs: performance.now() - t0 });
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [state.expr, state.tab, state.range, state.end, state.step, runSeq]);

  const stepRange = (dir: 1 | -1) => {
    const i = RANGE_STEPS.findIndex((r) => (parseDuration(r) ?? 0) >= rangeMs);
    const j = Math.min(RANGE_STEPS.length - 1, Math.max(0, (i < 0 ? RANGE_STEPS.length - 1 : i) + dir));
    set({ range: RANGE_STEPS[j] });
  };
  const shiftEnd = (dir: 1 | -1) => {
    const base = endMs ?? Date.now();
    const next = base + (dir * rangeMs) / 2;
    set({ end: next >= Date.now() ? '' : formatTime(next) });
  };

  const seriesCount = useMemo(
    () =>
      result?.data &&
      Array.isArray(result.data.result) &&
      result.data.resultType !== 'scalar' &&
      result.data.resultType !== 'string'
        ? result.data.result.length
        : undefined,
    [result],
  );

  return (
    <section class="card panel" data-panel={index}>
      <div class="query-row">
        <div class="editor-wrap">
          <Suspense
            fallback={
              <textarea
                class="editor-fallback"
                value={draft}
                onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
              />
            }
          >
            <PromqlEditor value={state.expr} onChange={setDraft} onExecute={execute} />
          </Suspense>
        </div>
        <button type="button" class="primary" onClick={() => execute()}>
          Execute
        </button>
        {onRemove && (
          <button type="button" class="icon" title="Remove panel" aria-label="Remove panel" onClick={onRemove}>
            ✕
          </button>
        )}
      </div>
      <div class="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={state.tab === 'table'}
          class={state.tab === 'table' ? 'tab active' : 'tab'}
          onClick={() => set({ tab: 'table' })}
        >
          Table
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={state.tab === 'graph'}
          class={state.tab === 'graph' ? 'tab active' : 'tab'}
          onClick={() => set({ tab: 'graph' })}
        >
          Graph
        </button>
        <span class="tab-info muted">
          {loading
            ? 'Loading…'
            : result && !result.error
              ? `${Math.round(result.tookMs)} ms${seriesCount !== undefined ? ` · ${seriesCount} series` : ''}`
              : ''}
        </span>
      </div>
      <div class="controls">
        {state.tab === 'graph' && (
          <span class="group">
            <button type="button" class="icon" aria-label="Shorter range" onClick={() => stepRange(-1)}>
              −
            </button>
            <input
              class="range-input"
              aria-label="Range"
              value={state.range}
              size={5}
              onChange={(e) => {
                const v = (e.target as HTMLInputElement).value.trim();
                if (parseDuration(v)) set({ range: formatDuration(parseDuration(v)!) });
              }}
            />
            <button type="button" class="icon" aria-label="Longer range" onClick={() => stepRange(1)}>
              +
            </button>
          </span>
        )}
        <span class="group">
          {state.tab === 'graph' && (
            <button type="button" class="icon" aria-label="Earlier" onClick={() => shiftEnd(-1)}>
              «
            </button>
          )}
          <input
            class="end-input"
            aria-label={state.tab === 'graph' ? 'End time' : 'Evaluation time'}
            placeholder={state.tab === 'graph' ? 'End time (now)' : 'Evaluation time (now)'}
            value={state.end}
            size={19}
            onChange={(e) => {
              const v = (e.target as HTMLInputElement).value.trim();
              const t = parseTime(v);
              set({ end: v === '' || t === null ? '' : formatTime(t) });
            }}
          />
          {state.tab === 'graph' && (
            <button type="button" class="icon" aria-label="Later" onClick={() => shiftEnd(1)}>
              »
            </button>
          )}
          {state.end && (
            <button type="button" class="link" onClick={() => set({ end: '' })}>
              now
            </button>
          )}
        </span>
        {state.tab === 'graph' && (
          <>
            <span class="group">
              <input
                class="step-input"
                aria-label="Resolution (step)"
                placeholder={`step (auto ${autoStep(rangeMs)}s)`}
                value={state.step}
                size={12}
                onChange={(e) => {
                  const v = (e.target as HTMLInputElement).value.trim();
                  set({ step: parseDuration(v) ? v : '' });
                }}
              />
            </span>
            <fieldset class="group seg" aria-label="Display mode">
              <button
                type="button"
                aria-pressed={!state.stacked}
                class={!state.stacked ? 'seg-btn on' : 'seg-btn'}
                onClick={() => set({ stacked: false })}
              >
                Lines
              </button>
              <button
                type="button"
                aria-pressed={state.stacked}
                class={state.stacked ? 'seg-btn on' : 'seg-btn'}
                onClick={() => set({ stacked: true })}
              >
                Stacked
              </button>
            </fieldset>
          </>
        )}
      </div>
      <div class="result">
        {result?.error && <ErrorBox error={result.error} />}
        {result?.warnings?.map((w) => (
          <div class="alert warn" key={w}>
            {w}
          </div>
        ))}
        {!state.expr.trim() && <div class="empty">Enter an expression and press Execute.</div>}
        {result?.data && result.kind === 'table' && state.tab === 'table' && <ResultTable data={result.data} />}
        {result?.data &&
          result.kind === 'graph' &&
          state.tab === 'graph' &&
          (result.data.resultType === 'matrix' ? (
            result.data.result.length === 0 ? (
              <div class="empty">Empty query result</div>
            ) : (
              <TimeChart
                series={result.data.result}
                start={result.start}
                end={result.end}
                step={result.step}
                stacked={state.stacked}
              />
            )
          ) : (
            <div class="alert warn">
              This query returns a {result.data.resultType}; only range vectors can be graphed.
            </div>
          ))}
      </div>
    </section>
  );
}
