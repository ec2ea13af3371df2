import { QueryPanel } from '../components/QueryPanel.tsx';
import { PageTitle } from '../components/common.tsx';
import { defaultPanel, type PanelState, parsePanels, serializePanels } from '../lib/panel-state.ts';
import { setSearch } from '../lib/router.ts';

/** The explore page: several query panels, all of their state in the URL. */
export function GraphPage({ search }: { search: URLSearchParams }) {
  const panels = parsePanels(search);
  const update = (next: PanelState[], push = false) => setSearch(serializePanels(next), push);
  return (
    <div>
      <PageTitle>Query</PageTitle>
      {panels.map((p, i) => (
        <QueryPanel
          key={i}
          index={i}
          state={p}
          onChange={(s) =>
            update(
              panels.map((x, j) => (j === i ? s : x)),
              s.expr !== p.expr,
            )
          }
          onRemove={
            panels.length > 1
              ? () =>
                  update(
                    panels.filter((_, j) => j !== i),
                    true,
                  )
              : undefined
          }
        />
      ))}
      <button type="button" class="secondary" onClick={() => update([...panels, defaultPanel()], true)}>
        Add panel
      </button>
    </div>
  );
}
