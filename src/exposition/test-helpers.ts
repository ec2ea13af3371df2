import { createParser, type ExpositionFormat } from './index.ts';

/** One parsed sample in a test-friendly form. */
export interface ParsedSample {
  key: string;
  labels: Record<string, string>;
  value: number;
  timestamp: number | undefined;
  type: string;
  line: number;
}

/** Parses a whole page into plain objects (tests only: allocates per sample). */
export function parseAll(
  input: string | Uint8Array,
  format: ExpositionFormat,
): {
  samples: ParsedSample[];
  help: Record<string, string>;
  types: Record<string, string>;
  units: Record<string, string>;
} {
  const p = createParser(input, format);
  const samples: ParsedSample[] = [];
  const help: Record<string, string> = {};
  const types: Record<string, string> = {};
  const units: Record<string, string> = {};
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'series') {
      samples.push({
        key: p.seriesKey(),
        labels: p.labels().toObject(),
        value: p.value(),
        timestamp: p.timestamp(),
        type: p.metricType(),
        line: p.line(),
      });
    } else if (e === 'help') help[p.familyName()] = p.help();
    else if (e === 'type') types[p.familyName()] = p.type();
    else if (e === 'unit') units[p.familyName()] = p.unit();
  }
  return { samples, help, types, units };
}

/** The ExpositionError position and message for a rejected page, or 'accepted'. */
export function rejection(input: string | Uint8Array, format: ExpositionFormat): string {
  try {
    const p = createParser(input, format);
    while (p.next() !== null);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
}
