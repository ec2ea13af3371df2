import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Labels } from '../lib/format.ts';

/** An API error shown inline, with the server's own text. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const msg = error instanceof Error ? error.message : String(error);
  return (
    <div class="alert error" role="alert">
      {title && <strong>{title}: </strong>}
      {msg}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Loading() {
  return <div class="loading">Loading…</div>;
}

/** Label pairs as badges; values are text nodes (Preact escapes them). */
export function LabelBadges({ labels, skipName = false }: { labels: Labels; skipName?: boolean }) {
  return (
    <span class="labels">
      {Object.keys(labels)
        .filter((k) => !(skipName && k === '__name__'))
        .sort()
        .map((k) => (
          <span class="badge" key={k}>
            {k}="{labels[k]}"
          </span>
        ))}
    </span>
  );
}

export function HealthBadge({ health, label }: { health: string; label?: string }) {
  const cls =
    health === 'up' || health === 'ok' || health === 'active'
      ? 'ok'
      : health === 'down' || health === 'err' || health === 'firing'
        ? 'bad'
        : health === 'pending' || health === 'unknown'
          ? 'warn'
          : 'neutral';
  return <span class={`pill ${cls}`}>{(label ?? health).toUpperCase()}</span>;
}

export function Collapsible({
  title,
  children,
  open = true,
  right,
}: {
  title: ComponentChildren;
  children: ComponentChildren;
  open?: boolean;
  right?: ComponentChildren;
}) {
  const [isOpen, setOpen] = useState(open);
  return (
    <section class="card">
      <header class="card-head">
        <button type="button" class="link toggle" aria-expanded={isOpen} onClick={() => setOpen(!isOpen)}>
          <span class="caret">{isOpen ? '▾' : '▸'}</span> {title}
        </button>
        {right}
      </header>
      {isOpen && <div class="card-body">{children}</div>}
    </section>
  );
}

export function PageTitle({ children, right }: { children: ComponentChildren; right?: ComponentChildren }) {
  return (
    <div class="page-title">
      <h1>{children}</h1>
      {right && <div class="page-actions">{right}</div>}
    </div>
  );
}
