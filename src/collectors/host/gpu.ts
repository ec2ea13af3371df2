/**
 * NVIDIA GPU metrics from `nvidia-smi --query-gpu`, with dcgm-exporter's names (`DCGM_FI_DEV_*`) and labels
 * (`gpu`, `UUID`, `device`, `modelName`, `Hostname`) so its Grafana dashboards work. Osprey's own; neither
 * node_exporter nor cAdvisor has it. Where nvidia-smi does not exist (no GPU, no driver) the sub-collector
 * reports nothing and does not fail; the lookup is repeated only every few minutes so such hosts pay nothing.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import type { SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** One nvidia-smi query field and the dcgm-exporter metric it becomes. */
interface Field {
  query: string;
  metric?: string;
  type?: 'gauge' | 'counter';
  help?: string;
}

const LABEL_FIELDS: Field[] = [{ query: 'index' }, { query: 'uuid' }, { query: 'name' }];

const VALUE_FIELDS: Field[] = [
  { query: 'utilization.gpu', metric: 'DCGM_FI_DEV_GPU_UTIL', help: 'GPU utilization (in %).' },
  { query: 'utilization.memory', metric: 'DCGM_FI_DEV_MEM_COPY_UTIL', help: 'Memory utilization (in %).' },
  { query: 'memory.used', metric: 'DCGM_FI_DEV_FB_USED', help: 'Framebuffer memory used (in MiB).' },
  { query: 'memory.free', metric: 'DCGM_FI_DEV_FB_FREE', help: 'Framebuffer memory free (in MiB).' },
  { query: 'memory.total', metric: 'DCGM_FI_DEV_FB_TOTAL', help: 'Framebuffer memory total (in MiB).' },
  { query: 'temperature.gpu', metric: 'DCGM_FI_DEV_GPU_TEMP', help: 'GPU temperature (in C).' },
  { query: 'temperature.memory', metric: 'DCGM_FI_DEV_MEMORY_TEMP', help: 'Memory temperature (in C).' },
  { query: 'power.draw', metric: 'DCGM_FI_DEV_POWER_USAGE', help: 'Power draw (in W).' },
  { query: 'power.limit', metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT', help: 'Power management limit (in W).' },
  { query: 'clocks.sm', metric: 'DCGM_FI_DEV_SM_CLOCK', help: 'SM clock frequency (in MHz).' },
  { query: 'clocks.mem', metric: 'DCGM_FI_DEV_MEM_CLOCK', help: 'Memory clock frequency (in MHz).' },
  { query: 'fan.speed', metric: 'DCGM_FI_DEV_FAN_SPEED', help: 'Fan speed (in 0-100%).' },
  { query: 'pcie.link.gen.current', metric: 'DCGM_FI_DEV_PCIE_LINK_GEN', help: 'PCIe current link generation.' },
  { query: 'pcie.link.width.current', metric: 'DCGM_FI_DEV_PCIE_LINK_WIDTH', help: 'PCIe current link width.' },
];

export const NVIDIA_SMI_QUERY = [...LABEL_FIELDS, ...VALUE_FIELDS].map((f) => f.query).join(',');

/** Splits one CSV line of nvidia-smi output (values with commas are not produced for these fields). */
function csvFields(line: string): string[] {
  return line.split(',').map((s) => s.trim());
}

/** A value nvidia-smi printed, or undefined for "[N/A]", "[Not Supported]" and the like. */
function parseValue(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s.startsWith('[')) return undefined;
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

/** Turns `nvidia-smi --query-gpu=<NVIDIA_SMI_QUERY> --format=csv,noheader,nounits` output into families. */
export function emitNvidiaSmi(csv: string, out: FamilyBuilder, host = hostname()): void {
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue;
    const f = csvFields(line);
    if (f.length < LABEL_FIELDS.length + VALUE_FIELDS.length) {
      throw new Error(`nvidia-smi: unexpected line ${JSON.stringify(line)}`);
    }
    const [index, uuid, name] = f;
    const labels = ['gpu', index, 'UUID', uuid, 'device', `nvidia${index}`, 'modelName', name, 'Hostname', host];
    for (let i = 0; i < VALUE_FIELDS.length; i++) {
      const v = parseValue(f[LABEL_FIELDS.length + i]);
      const field = VALUE_FIELDS[i];
      if (v !== undefined) out.gauge(field.metric!, field.help!, v, ...labels);
    }
  }
}

/** The first executable `nvidia-smi` on PATH, or undefined. */
async function findOnPath(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, 'nvidia-smi');
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

export interface GpuCollectorOptions {
  /** nvidia-smi to run; looked up on PATH when omitted. */
  nvidiaSmiPath?: string;
  /** How long a failed lookup is remembered (ms, default 5 minutes). */
  recheckMs?: number;
  /** nvidia-smi's time limit (ms, default 5 s). */
  timeoutMs?: number;
}

export function createGpuCollector(opts: GpuCollectorOptions = {}): SubCollector {
  const recheck = opts.recheckMs ?? 5 * 60_000;
  let found: string | undefined;
  let lastLookup = Number.NEGATIVE_INFINITY;
  return {
    name: 'gpu',
    async collect(_ctx, out) {
      if (found === undefined && Date.now() - lastLookup >= recheck) {
        lastLookup = Date.now();
        found = opts.nvidiaSmiPath ?? (await findOnPath());
        if (found !== undefined) {
          try {
            await access(found, constants.X_OK);
          } catch {
            found = undefined;
          }
        }
      }
      if (found === undefined) return;
      const bin = found;
      const csv = await new Promise<string>((resolve, reject) => {
        execFile(
          bin,
          [`--query-gpu=${NVIDIA_SMI_QUERY}`, '--format=csv,noheader,nounits'],
          { timeout: opts.timeoutMs ?? 5000, encoding: 'utf8' },
          (err, stdout, stderr) => {
            if (err) {
              // Gone since the lookup (driver removed): forget it; otherwise a real failure of this scrape.
              const text = String(stderr || stdout || err.message).trim();
              // No GPU or no driver behind an installed nvidia-smi: absent, like no nvidia-smi at all.
              if (
                (err as NodeJS.ErrnoException).code === 'ENOENT' ||
                /No devices were found|couldn't communicate with the NVIDIA driver/i.test(text)
              ) {
                found = undefined;
                resolve('');
              } else reject(new Error(`nvidia-smi: ${text}`));
            } else resolve(stdout);
          },
        );
      });
      emitNvidiaSmi(csv, out);
    },
  };
}
