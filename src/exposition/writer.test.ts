import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Labels } from '../model/index.ts';
import {
  acceptHeader,
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  formatFromContentType,
  formatGoFloat,
  formatOpenMetricsFloat,
  type MetricFamily,
  writeOpenMetrics,
  writeText,
} from './index.ts';
import { parseAll } from './test-helpers.ts';

const L = (o: Record<string, string>) => Labels.fromObject(o);

describe('Go float formatting', () => {
  test('matches strconv.FormatFloat(f, g, -1, 64)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-1, '-1'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [1445937, '1.445937e+06'],
      [8253202432, '8.253202432e+09'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [0.1 + 0.2, '0.30000000000000004'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [1e21, '1e+21'],
      [1e100, '1e+100'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, '+Inf'],
      [Number.NEGATIVE_INFINITY, '-Inf'],
      [-2.5, '-2.5'],
      [99999.5, '99999.5'],
    ];
    for (const [f, want] of cases) assert.equal(formatGoFloat(f), want, `format ${f}`);
  });

  test('OpenMetrics form adds .0 to integral values only', () => {
    assert.equal(formatOpenMetricsFloat(22), '22.0');
    assert.equal(formatOpenMetricsFloat(1e6), '1e+06');
    assert.equal(formatOpenMetricsFloat(0.5), '0.5');
    assert.equal(formatOpenMetricsFloat(Number.NaN), 'NaN');
    assert.equal(formatOpenMetricsFloat(Number.POSITIVE_INFINITY), '+Inf');
  });

  test('every value in a client_golang page is printed back byte for byte', () => {
    const text = readFileSync(
      fileURLToPath(new URL('../../../shared/conformance/exposition/alltypes.237mfs.prom.txt', import.meta.url)),
      'utf8',
    );
    const { samples } = parseAll(text, 'text');
    const tokens = text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.slice(l.lastIndexOf(' ') + 1));
    assert.equal(tokens.length, samples.length);
    let mismatches = 0;
    for (let i = 0; i < samples.length; i++) {
      if (formatGoFloat(samples[i].value) !== tokens[i]) {
        mismatches++;
        console.log(`  mismatch: ${tokens[i]} -> ${formatGoFloat(samples[i].value)}`);
      }
    }
    assert.equal(mismatches, 0);
  });
});

describe('writers', () => {
  const families: MetricFamily[] = [
    {
      name: 'http_requests_total',
      help: 'Requests with a \\ backslash\nand a newline and "quotes".',
      type: 'counter',
      samples: [
        { labels: L({ __name__: 'http_requests_total', code: '200', path: 'C:\\x "y"\nz' }), value: 1027 },
        { labels: L({ __name__: 'http_requests_total', code: '500' }), value: 3, timestamp: 1395066363123 },
      ],
    },
    {
      name: 'latency_seconds',
      help: 'Latency.',
      type: 'histogram',
      unit: 'seconds',
      samples: [
        { labels: L({ __name__: 'latency_seconds_bucket', le: '0.5' }), value: 2 },
        { labels: L({ __name__: 'latency_seconds_bucket', le: '+Inf' }), value: 3 },
        { labels: L({ __name__: 'latency_seconds_sum' }), value: 1.25 },
        { labels: L({ __name__: 'latency_seconds_count' }), value: 3 },
      ],
    },
    {
      name: 'my.dotted',
      help: '',
      type: 'gauge',
      samples: [{ labels: L({ __name__: 'my.dotted', 'a.b': 'c' }), value: Number.NaN }],
    },
    {
      name: 'build',
      help: 'Build info.',
      type: 'info',
      samples: [{ labels: L({ __name__: 'build_info', version: '1.0' }), value: 1 }],
    },
  ];

  test('writeText names counter and info families after their series', () => {
    const text = writeText([
      { name: 'jobs', help: 'Jobs.', type: 'counter', samples: [{ labels: L({ __name__: 'jobs_total' }), value: 2 }] },
    ]);
    assert.equal(text, '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 2\n');
    assert.equal(parseAll(text, 'text').samples[0].type, 'counter');
  });

  test('writeText output, as client_golang prints it', () => {
    assert.equal(
      writeText(families),
      [
        '# HELP http_requests_total Requests with a \\\\ backslash\\nand a newline and "quotes".',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",path="C:\\\\x \\"y\\"\\nz"} 1027',
        'http_requests_total{code="500"} 3 1395066363123',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.5"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        'latency_seconds_sum 1.25',
        'latency_seconds_count 3',
        '# TYPE "my.dotted" gauge',
        '{"my.dotted","a.b"="c"} NaN',
        '# HELP build_info Build info.',
        '# TYPE build_info gauge',
        'build_info{version="1.0"} 1',
        '',
      ].join('\n'),
    );
  });

  test('writeOpenMetrics output ends with # EOF and parses back', () => {
    const om = writeOpenMetrics(families);
    assert.equal(
      om,
      [
        '# HELP http_requests Requests with a \\\\ backslash\\nand a newline and \\"quotes\\".',
        '# TYPE http_requests counter',
        'http_requests_total{code="200",path="C:\\\\x \\"y\\"\\nz"} 1027.0',
        'http_requests_total{code="500"} 3.0 1395066363.123',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        '# UNIT latency_seconds seconds',
        'latency_seconds_bucket{le="0.5"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        'latency_seconds_sum 1.25',
        'latency_seconds_count 3',
        '# TYPE "my.dotted" gauge',
        '{"my.dotted","a.b"="c"} NaN',
        '# HELP build Build info.',
        '# TYPE build info',
        'build_info{version="1.0"} 1.0',
        '# EOF',
        '',
      ].join('\n'),
    );
    const back = parseAll(om, 'openmetrics');
    assert.equal(back.help.http_requests, 'Requests with a \\ backslash\nand a newline and "quotes".');
    assert.equal(back.samples[0].labels.path, 'C:\\x "y"\nz');
    assert.equal(back.samples[1].timestamp, 1395066363123);
    assert.equal(back.samples[0].type, 'counter');
    assert.equal(back.units.latency_seconds, 'seconds');
    assert.equal(back.samples[7].type, 'info');
  });
});

describe('content negotiation', () => {
  test('content types', () => {
    assert.equal(CONTENT_TYPE_TEXT, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(CONTENT_TYPE_OPENMETRICS, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.equal(formatFromContentType(CONTENT_TYPE_OPENMETRICS), 'openmetrics');
    assert.equal(formatFromContentType('Application/OpenMetrics-Text;version=0.0.1'), 'openmetrics');
    assert.equal(formatFromContentType(CONTENT_TYPE_TEXT), 'text');
    assert.equal(formatFromContentType('text/html'), 'text');
    assert.equal(formatFromContentType(undefined), 'text');
  });

  test('Accept header as Prometheus 3 sends it', () => {
    assert.equal(
      acceptHeader(),
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,' +
        'application/openmetrics-text;version=0.0.1;q=0.5,' +
        'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,' +
        'text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
    assert.equal(acceptHeader(['PrometheusText0.0.4']), 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
    assert.throws(() => acceptHeader(['Nope']), /unknown scrape protocol/);
  });
});
