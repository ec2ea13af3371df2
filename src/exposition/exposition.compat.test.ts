import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { acceptHeader, createParser, formatFromContentType, formatGoFloat } from './index.ts';
import { type RunningExporter, startNodeExporter } from './node-exporter.ts';
import { parseAll } from './test-helpers.ts';

let exporter: RunningExporter;

before(async () => {
  exporter = await startNodeExporter();
});

after(async () => {
  await exporter?.stop();
});

const ACCEPTS: Record<string, string> = {
  'text (Accept: text/plain;version=0.0.4)': acceptHeader(['PrometheusText0.0.4']),
  'Prometheus 3 default Accept (OpenMetrics preferred)': acceptHeader(),
};

for (const [name, accept] of Object.entries(ACCEPTS)) {
  test(`parses a real node_exporter page: ${name}`, async () => {
    const res = await fetch(exporter.url, { headers: { Accept: accept } });
    assert.equal(res.status, 200);
    const contentType = res.headers.get('content-type') ?? undefined;
    const format = formatFromContentType(contentType);
    const body = new Uint8Array(await res.arrayBuffer());
    const { samples, types, help } = parseAll(body, format);
    const text = new TextDecoder().decode(body);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    console.log(`  ${contentType} -> ${format}: ${samples.length} samples, ${Object.keys(types).length} families`);
    assert.equal(samples.length, lines.length);
    assert.ok(samples.length >= 300, `only ${samples.length} samples`);
    assert.equal(types.node_cpu_seconds_total, 'counter');
    assert.match(help.node_cpu_seconds_total, /CPU/);
    const cpu = samples.filter((s) => s.labels.__name__ === 'node_cpu_seconds_total');
    assert.ok(cpu.length >= 2, 'node_cpu_seconds_total per cpu and mode');
    assert.ok(cpu.every((s) => s.labels.cpu !== undefined && s.labels.mode !== undefined && s.value >= 0));
    assert.ok(samples.some((s) => s.labels.__name__ === 'node_exporter_build_info' && s.labels.version !== undefined));
    assert.equal(types.go_gc_duration_seconds, 'summary');
    // Differential check of float formatting: Go printed every value; we print each one back identically.
    const p = createParser(body, format);
    let i = 0;
    for (let e = p.next(); e !== null; e = p.next()) {
      if (e !== 'series') continue;
      const line = lines[i++];
      const token = line.slice(line.lastIndexOf(' ') + 1);
      assert.equal(formatGoFloat(p.value()), token, `value of ${p.seriesKey()}`);
    }
  });
}
