import { formatNumber, type Labels, seriesName } from '../lib/format.ts';

export interface QueryResult {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: any;
}

const MAX_ROWS = 10_000;

/** The table tab: one row per series (vector/matrix) or the single scalar/string value. Everything rendered as text. */
export function ResultTable({ data }: { data: QueryResult }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    const [t, v] = data.result as [number, string];
    return (
      <table class="table data">
        <tbody>
          <tr>
            <td>{data.resultType}</td>
            <td class="num">{v}</td>
            <td class="muted">@{t}</td>
          </tr>
        </tbody>
      </table>
    );
  }
  const rows = data.result as {
    metric: Labels;
    value?: [number, string];
    values?: [number, string][];
    histogram?: unknown;
  }[];
  if (rows.length === 0) return <div class="empty">Empty query result</div>;
  return (
    <>
      <table class="table data">
        <tbody>
          {rows.slice(0, MAX_ROWS).map((r, i) => (
            <tr key={i}>
              <td class="series">{seriesName(r.metric)}</td>
              <td class="num">
                {data.resultType === 'vector'
                  ? r.value
                    ? r.value[1]
                    : r.histogram
                      ? 'native histogram'
                      : ''
                  : (r.values ?? []).map(([t, v]) => (
                      <div key={t}>
                        {v} <span class="muted">@{t}</span>
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_ROWS && (
        <div class="muted">
          Showing {MAX_ROWS} of {rows.length} series.
        </div>
      )}
    </>
  );
}

export { formatNumber };
