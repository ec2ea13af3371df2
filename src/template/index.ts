/**
 * Go text/template for Osprey: parser, executor, Go fmt, and the Prometheus and Alertmanager function sets.
 * Value mapping (see values.ts): JS numbers are float64, bigints are Go ints, Maps/plain objects are maps,
 * arrays are slices, class instances are structs whose function properties are methods.
 */

export {
  Alert,
  type AlertInput,
  Alerts,
  alertmanagerFuncs,
  alertmanagerTemplates,
  buildTemplateData,
  Data,
  type DataInput,
  type DataJSON,
  dataFromJSON,
  executeHTMLString,
  executeTextString,
  KV,
  Pair,
  Pairs,
  quoteMeta,
} from './alertmanager.ts';
export { type TemplateFunc, withArity } from './builtins.ts';
export { convertToFloat, humanizeDuration } from './convert.ts';
export { DEFAULT_TEMPLATES } from './defaults.ts';
export { htmlEscape, jsEscape, pathEscape, queryEscape, queryUnescape } from './escape.ts';
export { type FuncContext, type MissingKey, TemplateExecError } from './exec.ts';
export { formatFloat } from './floatfmt.ts';
export { sprint, sprintf, sprintln } from './fmt.ts';
export { goJson } from './gojson.ts';
export { formatGoDuration, GoDuration, type GoLocation, GoTime, loadLocation, UTC } from './gotime.ts';
export { TemplateParseError } from './parser.ts';
export {
  ALERT_TEMPLATE_PRELUDE,
  type AlertTemplateData,
  checkAlertTemplate,
  type ExpandOptions,
  type ExpandResult,
  expandAlertTemplate,
  expandAlertTemplateAsync,
  expandPrometheusTemplate,
  expandPrometheusTemplateAsync,
  type PrometheusFuncOptions,
  prometheusFuncs,
  type Sample,
} from './prometheus.ts';
export { expandGlob, type FuncMap, parseFiles, parseGlobs, Template, type TemplateOptions } from './template.ts';
export { StringMap } from './values.ts';
