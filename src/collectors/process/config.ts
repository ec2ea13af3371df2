/**
 * Process groups, under prometheus.yml's `osprey: processes:` key, in process-exporter's style:
 *
 *   osprey:
 *     processes:
 *       - name: nginx                 # the groupname label; may use {{.Comm}}, {{.ExeBase}}, {{.Matches.<group>}}
 *         comm: [nginx]               # exact process names (/proc/<pid>/comm, at most 15 characters)
 *       - name: 'java-{{.Matches.app}}'
 *         cmdline: ['-jar (?P<app>\S+)\.jar']   # RE2, searched in the NUL-joined-by-space command line; all must match
 *       - name: '{{.ExeBase}}'
 *         exe: [/usr/sbin/sshd, postgres]       # argv[0], full path or base name
 *
 * A process belongs to the first group that matches it (comm, exe or cmdline - any of the given kinds).
 */
import { z } from 'zod';
import { parseWithSchema, YamlSource, zstr } from '../../config/index.ts';
import { compileSearchRegex, type SearchRegex } from '../probe/index.ts';

export interface ProcessGroupConfig {
  name: string;
  comm: Set<string>;
  exe: string[];
  cmdline: SearchRegex[];
}

const groupSchema = z.strictObject({
  name: zstr,
  comm: z.array(zstr).optional(),
  exe: z.array(zstr).optional(),
  cmdline: z.array(zstr).optional(),
});

export const processesSchema = z.array(groupSchema);

type Issue = { path: (string | number)[]; message: string };

export function buildProcessGroups(raw: z.infer<typeof processesSchema>, issues: Issue[]): ProcessGroupConfig[] {
  return raw.map((g, i) => {
    const cmdline: SearchRegex[] = [];
    (g.cmdline ?? []).forEach((src, j) => {
      try {
        cmdline.push(compileSearchRegex(src));
      } catch (e) {
        issues.push({ path: [i, 'cmdline', j], message: (e as Error).message });
      }
    });
    if (!g.comm?.length && !g.exe?.length && !g.cmdline?.length) {
      issues.push({ path: [i], message: 'a process group needs at least one of comm, exe, cmdline' });
    }
    if (g.name === '') issues.push({ path: [i, 'name'], message: 'name must not be empty' });
    return { name: g.name, comm: new Set(g.comm ?? []), exe: g.exe ?? [], cmdline };
  });
}

/** Groups from an already loaded `osprey.processes` value (plain JS). */
export function processGroupsFromValue(value: unknown): ProcessGroupConfig[] {
  if (value === undefined || value === null) return [];
  const res = processesSchema.safeParse(value);
  if (!res.success) {
    throw new Error(res.error.issues.map((i) => `osprey.processes.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const issues: Issue[] = [];
  const out = buildProcessGroups(res.data, issues);
  if (issues.length > 0)
    throw new Error(issues.map((i) => `osprey.processes.${i.path.join('.')}: ${i.message}`).join('; '));
  return out;
}

const docSchema = z.looseObject({ osprey: z.looseObject({ processes: processesSchema.optional() }).optional() });

/** Groups from a prometheus.yml text; errors are `file:line:col: osprey.processes...: message`. */
export function parseProcessGroups(text: string, file = 'prometheus.yml'): ProcessGroupConfig[] {
  const src = new YamlSource(text, file);
  const doc = parseWithSchema(src, docSchema);
  const issues: Issue[] = [];
  const out = buildProcessGroups(doc.osprey?.processes ?? [], issues);
  src.throwIfAny(issues.map((i) => ({ path: ['osprey', 'processes', ...i.path], message: i.message })));
  return out;
}
