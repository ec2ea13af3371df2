import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** One line per event: human-readable (logfmt-like) by default, JSON with --log.format=json. */
export function createLogger(level: string, format: string): Logger {
  if (format === 'json') return pino({ level });
  const stream = pretty({
    colorize: process.stderr.isTTY === true,
    singleLine: true,
    sync: true,
    destination: 2,
    translateTime: 'SYS:standard',
    ignore: 'pid,hostname',
    errorLikeObjectKeys: ['__none__'],
  });
  // pino-pretty prints an `err` field on lines of its own; keep one line per event by renaming it.
  const formatters = {
    log(o: Record<string, unknown>) {
      if (!('err' in o)) return o;
      const { err, ...rest } = o;
      return { ...rest, error: err instanceof Error ? err.message : err };
    },
  };
  return pino({ level, formatters }, stream);
}
