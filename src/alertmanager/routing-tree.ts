/**
 * Text forms of the routing tree for the CLI (`osprey check alertmanager`, `osprey alertmanager routes`),
 * shaped like amtool's `config routes show` and `config routes test`.
 */
import type { Labels } from '../model/index.ts';
import { matchersToString } from './matchers.ts';
import type { Route } from './route.ts';

function line(r: Route, isRoot: boolean, withReceiver: boolean, withContinue: boolean): string {
  let s = isRoot ? 'default-route' : matchersToString(r.matchers);
  // amtool's matching tree leaves `continue` out.
  if (r.continue && withContinue) s += '  continue: true';
  if (withReceiver) s += `  receiver: ${r.receiver}`;
  return s;
}

function render(
  r: Route,
  prefix: string,
  last: boolean,
  isRoot: boolean,
  out: string[],
  keep?: (r: Route) => boolean,
  leaves?: Set<Route>,
): void {
  out.push(`${prefix}${last ? '└── ' : '├── '}${line(r, isRoot, !leaves || leaves.has(r), !leaves)}`);
  const kids = keep ? r.routes.filter(keep) : r.routes;
  const next = prefix + (last ? '    ' : '│   ');
  kids.forEach((c, i) => {
    render(c, next, i === kids.length - 1, false, out, keep, leaves);
  });
}

/** amtool's `config routes show`. */
export function formatRoutingTree(root: Route): string {
  const out = ['Routing tree:', '.'];
  render(root, '', true, true, out);
  return `${out.join('\n')}\n`;
}

/** The receivers an alert with these labels goes to, in order (amtool's `config routes test`). */
export function testRouting(root: Route, labels: Labels): string[] {
  return root.match(labels).map((r) => r.receiver);
}

/** amtool's `config routes test --tree`: only the paths to the matching routes. */
export function formatMatchingTree(root: Route, labels: Labels): string {
  const matched = new Set(root.match(labels));
  const onPath = new Set<Route>();
  for (const m of matched) for (let r: Route | null = m; r; r = r.parent) onPath.add(r);
  const out = ['Matching routes:', '.'];
  render(root, '', true, true, out, (r) => onPath.has(r), matched);
  return `${out.join('\n')}\n`;
}
