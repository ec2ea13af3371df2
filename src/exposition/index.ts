export * from './types.ts';
export { createParser, type ExpositionTextParser, type ParserOptions } from './parser.ts';
export { acceptHeader, DEFAULT_SCRAPE_PROTOCOLS, formatFromContentType, SCRAPE_PROTOCOLS } from './content-type.ts';
export {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  escapeLabelValue,
  writeOpenMetrics,
  writeText,
} from './writer.ts';
export { formatGoFloat, formatOpenMetricsFloat } from './float.ts';
export { familyTypeOf, suffixesOf } from './suffixes.ts';
export { detachString } from './detach.ts';
