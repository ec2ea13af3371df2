import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from './components/common.tsx';
import { interceptLinks, useLocation } from './lib/router.ts';
import './styles.css';

// Pages load on demand so the overview does not pay for the editor.
const pages = {
  overview: lazy(() => import('./pages/Overview.tsx').then((m) => ({ default: m.OverviewPage }))),
  graph: lazy(() => import('./pages/Graph.tsx').then((m) => ({ default: m.GraphPage }))),
  alerts: lazy(() => import('./pages/Alerts.tsx').then((m) => ({ default: m.AlertsPage }))),
  silences: lazy(() => import('./pages/Silences.tsx').then((m) => ({ default: m.SilencesPage }))),
  notifications: lazy(() => import('./pages/Notifications.tsx').then((m) => ({ default: m.NotificationsPage }))),
  rules: lazy(() => import('./pages/Rules.tsx').then((m) => ({ default: m.RulesPage }))),
  targets: lazy(() => import('./pages/Targets.tsx').then((m) => ({ default: m.TargetsPage }))),
  status: lazy(() => import('./pages/Status.tsx').then((m) => ({ default: m.StatusPage }))),
  dashboards: lazy(() => import('./pages/Dashboards.tsx').then((m) => ({ default: m.DashboardsPage }))),
};

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/graph', 'Query'],
  ['/dashboards', 'Dashboards'],
  ['/alerts', 'Alerts'],
  ['/silences', 'Silences'],
  ['/notifications', 'Notifications'],
  ['/rules', 'Rules'],
  ['/targets', 'Targets'],
  ['/status', 'Status'],
];

function route(path: string): keyof typeof pages | null {
  if (path === '/' || path === '' || path === '/overview') return 'overview';
  if (path === '/graph' || path === '/query') return 'graph';
  // Prometheus UI paths kept working for old links.
  if (path === '/config' || path === '/flags' || path === '/tsdb-status') return 'status';
  if (path === '/service-discovery') return 'targets';
  const first = path.split('/')[1];
  if (first === 'silences' || first === 'dashboards' || first === 'status') return first;
  if (first in pages) return first as keyof typeof pages;
  return null;
}

type Theme = 'light' | 'dark';
function initialTheme(): Theme {
  const saved = localStorage.getItem('osprey.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function App() {
  const loc = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [menu, setMenu] = useState(false);
  // Set before children render: charts read the theme's colours while rendering.
  document.documentElement.dataset.theme = theme;
  useEffect(() => localStorage.setItem('osprey.theme', theme), [theme]);
  const page = route(loc.path);
  const Page = page ? pages[page] : null;
  useEffect(() => {
    const label = NAV.find(([p]) => route(p) === page)?.[1];
    document.title = label ? `${label} · Osprey` : 'Osprey';
    setMenu(false);
  }, [page]);
  return (
    <>
      <nav class="topbar">
        <a class="brand" href="/">
          <img src="/favicon.svg" alt="" width={22} height={22} /> Osprey
        </a>
        <button
          type="button"
          class="icon menu-btn"
          aria-label="Menu"
          aria-expanded={menu}
          onClick={() => setMenu(!menu)}
        >
          ☰
        </button>
        <ul class={menu ? 'nav open' : 'nav'}>
          {NAV.map(([href, label]) => (
            <li key={href}>
              <a
                href={href}
                class={route(href) === page ? 'active' : ''}
                aria-current={route(href) === page ? 'page' : undefined}
              >
                {label}
              </a>
            </li>
          ))}
        </ul>
        <button
          type="button"
          class="icon theme-btn"
          aria-label="Toggle dark mode"
          title="Toggle dark mode"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </nav>
      <main class="content">
        <Suspense fallback={<Loading />}>
          {Page ? <Page path={loc.path} search={loc.search} /> : <div class="empty">Page not found.</div>}
        </Suspense>
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
interceptLinks(root);
render(<App />, root);
