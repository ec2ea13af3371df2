import type { ExpositionFormat } from './types.ts';

/** Media types Prometheus puts in the scrape Accept header, per scrape_protocols name. */
const PROTOCOL_MEDIA_TYPES: Record<string, string> = {
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
};

/** scrape_protocols names Prometheus knows; PrometheusProto is valid config but Osprey cannot parse it. */
export const SCRAPE_PROTOCOLS = ['PrometheusProto', ...Object.keys(PROTOCOL_MEDIA_TYPES)] as const;

/** Prometheus 3's default scrape_protocols. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly string[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

/**
 * The Accept header Prometheus 3 sends for the given scrape_protocols, e.g. for the default list:
 * `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,
 * text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`.
 * Weights count down from 0.(number of known protocols + 1). PrometheusProto is left out because
 * Osprey cannot parse the protobuf format; an unknown name is an error.
 */
export function acceptHeader(protocols: readonly string[] = DEFAULT_SCRAPE_PROTOCOLS): string {
  let weight = SCRAPE_PROTOCOLS.length + 1;
  const parts: string[] = [];
  for (const p of protocols) {
    if (p === 'PrometheusProto') continue;
    let media = PROTOCOL_MEDIA_TYPES[p];
    if (media === undefined) throw new Error(`unknown scrape protocol ${JSON.stringify(p)}`);
    // Only the 1.0.0 text formats know the escaping parameter.
    if (p === 'OpenMetricsText1.0.0' || p === 'PrometheusText1.0.0') media += ';escaping=allow-utf-8';
    parts.push(`${media};q=0.${weight}`);
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}

/** application/openmetrics-text selects the OpenMetrics parser; everything else is the text format. */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text';
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}
