import type { ScrapeProtocol } from '../config/types.ts';
import type { ExpositionFormat } from '../exposition/index.ts';

/** The parser format for a fallback_scrape_protocol, or null for PrometheusProto (not parsable here). */
export function formatOfProtocol(p: ScrapeProtocol | undefined): ExpositionFormat | null {
  if (p === undefined) return null;
  if (p.startsWith('OpenMetricsText')) return 'openmetrics';
  if (p.startsWith('PrometheusText')) return 'text';
  return null;
}

/**
 * Picks the parser for a response's Content-Type as Prometheus 3 does: text/plain and
 * application/openmetrics-text select their parsers; anything else (or nothing) uses the scrape
 * config's fallback_scrape_protocol, or fails the scrape with Prometheus's error text.
 */
export function formatForContentType(
  contentType: string,
  fallback: ExpositionFormat | null,
): { format: ExpositionFormat } | { error: string } {
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'text/plain') return { format: 'text' };
  if (media === 'application/openmetrics-text') return { format: 'openmetrics' };
  if (fallback !== null) return { format: fallback };
  if (contentType.trim() === '') {
    return {
      error:
        'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target',
    };
  }
  return {
    error: `received unsupported Content-Type ${JSON.stringify(contentType)} and no fallback_scrape_protocol specified for target`,
  };
}
