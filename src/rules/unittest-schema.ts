/** zod schema of promtool's rule unit-test files (`promtool test rules`). */
import { z } from 'zod';
import { zbool, zduration, zlist, zmap, zstr } from '../config/index.ts';

const zstrOrNum = zstr;

const expAlert = z.object({ exp_labels: zmap(zstr).optional(), exp_annotations: zmap(zstr).optional() }).strict();

const alertTest = z
  .object({
    eval_time: zduration.optional(),
    alertname: zstr.optional(),
    exp_alerts: zlist(expAlert).optional(),
  })
  .strict();

const expSample = z.object({ labels: zstr.optional(), value: z.any().optional(), histogram: zstr.optional() }).strict();

const promqlTest = z
  .object({ expr: zstr.optional(), eval_time: zduration.optional(), exp_samples: zlist(expSample).optional() })
  .strict();

const testGroup = z
  .object({
    name: zstr.optional(),
    interval: zduration.optional(),
    input_series: zlist(z.object({ series: zstr.optional(), values: zstr.optional() }).strict()).optional(),
    alert_rule_test: zlist(alertTest).optional(),
    promql_expr_test: zlist(promqlTest).optional(),
    external_labels: zmap(zstr).optional(),
    external_url: zstr.optional(),
    start_timestamp: zstrOrNum.optional(),
  })
  .strict();

export const unitTestFileSchema = z
  .object({
    rule_files: z.array(zstr).optional(),
    evaluation_interval: zduration.optional(),
    group_eval_order: z.array(zstr).optional(),
    fuzzy_compare: zbool.optional(),
    tests: zlist(testGroup).optional(),
  })
  .strict();

export type UnitTestFile = z.infer<typeof unitTestFileSchema>;
export type TestGroup = NonNullable<NonNullable<UnitTestFile['tests']>[number]>;
