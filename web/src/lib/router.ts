import { useEffect, useState } from 'preact/hooks';

// A tiny history router: pages live at real paths (/graph, /alerts, ...) so URLs can be shared,
// and query strings carry page state (Prometheus's g0.expr etc.).

type Listener = () => void;
const listeners = new Set<Listener>();

function emit(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', emit);

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  emit();
}

/** Replaces the query string without adding a history entry (used while editing). */
export function setSearch(params: URLSearchParams, push = false): void {
  const qs = params.toString();
  const to = location.pathname + (qs ? `?${qs}` : '');
  navigate(to, !push);
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** Intercepts same-origin link clicks so navigation stays client-side. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as HTMLElement).closest('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href?.startsWith('/') || href.startsWith('/api/') || href.startsWith('//')) return;
    e.preventDefault();
    navigate(href);
  });
}
