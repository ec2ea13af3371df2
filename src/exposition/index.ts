export { acceptHeader, DEFAULT_SCRAPE_PROTOCOLS, formatFromContentType, SCRAPE_PROTOCOLS } from './content-type.ts';
export { detachString } from './detach.ts';
export { formatGoFloat, formatOpenMetricsFloat } from './float.ts';
export { createParser, type ExpositionTextParser, type ParserOptions } from './parser.ts';
export { familyTypeOf, suffixesOf } from './suffixes.ts';
export * from './types.ts';
export {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  escapeLabelValue,
  writeOpenMetrics,
  writeText,
} from './writer.ts';
