/**
 * Go text/template for Osprey: parser, executor, Go fmt, and the Prometheus and Alertmanager function sets.
 * Value mapping (see values.ts): JS numbers are float64, bigints are Go ints, Maps/plain objects are maps,
 * arrays are slices, class instances are structs whose function properties are methods.
 */
export { Template, parseFiles, parseGlobs, expandGlob, type FuncMap, type TemplateOptions } from './template.ts';
export { TemplateParseError } from './parser.ts';
export { TemplateExecError, type MissingKey, type FuncContext } from './exec.ts';
export { withArity, type TemplateFunc } from './builtins.ts';
export { sprintf, sprint, sprintln } from './fmt.ts';
export { formatFloat } from './floatfmt.ts';
export { GoTime, GoDuration, loadLocation, formatGoDuration, UTC, type GoLocation } from './gotime.ts';
export { htmlEscape, jsEscape, queryEscape, queryUnescape, pathEscape } from './escape.ts';
export { goJson } from './gojson.ts';
export { humanizeDuration, convertToFloat } from './convert.ts';
export {
  prometheusFuncs,
  expandPrometheusTemplate,
  expandPrometheusTemplateAsync,
  expandAlertTemplate,
  expandAlertTemplateAsync,
  ALERT_TEMPLATE_PRELUDE,
  checkAlertTemplate,
  type Sample,
  type PrometheusFuncOptions,
  type AlertTemplateData,
  type ExpandOptions,
  type ExpandResult,
} from './prometheus.ts';
export {
  alertmanagerFuncs,
  alertmanagerTemplates,
  executeTextString,
  executeHTMLString,
  dataFromJSON,
  type DataJSON,
  buildTemplateData,
  quoteMeta,
  KV,
  Pair,
  Pairs,
  Alert,
  Alerts,
  Data,
  type AlertInput,
  type DataInput,
} from './alertmanager.ts';
export { StringMap } from './values.ts';
export { DEFAULT_TEMPLATES } from './defaults.ts';
