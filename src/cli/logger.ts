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
  });
  return pino({ level }, stream);
}
