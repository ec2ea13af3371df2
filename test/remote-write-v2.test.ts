import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody, encodeWriteV2RequestBody, PROTO_V2 } from '../src/remote/index.ts';
import { getJSON, startOsprey } from './helpers.ts';

test('the server with --web.enable-remote-write-receiver takes 1.0 and 2.0 on /api/v1/write', async () => {
  const { server, url } = await startOsprey(null, { 'web.enable-remote-write-receiver': 'true' });
  try {
    const t = Date.now() - 60_000;
    const v2 = await fetch(`${url}/api/v1/write`, {
      method: 'POST',
      headers: {
        'Content-Type': `application/x-protobuf;proto=${PROTO_V2}`,
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '2.0.0',
      },
      body: encodeWriteV2RequestBody([
        {
          labels: Labels.fromObject({ __name__: 'rw_v2', job: 'x' }),
          timestamps: [t, t + 1000],
          values: Float64Array.of(1, 2),
        },
      ]),
    });
    assert.equal(v2.status, 204);
    assert.equal(v2.headers.get('x-prometheus-remote-write-samples-written'), '2');
    const v1 = await fetch(`${url}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
      body: encodeWriteRequestBody([
        { labels: Labels.fromObject({ __name__: 'rw_v1', job: 'x' }), timestamps: [t], values: Float64Array.of(5) },
      ]),
    });
    assert.equal(v1.status, 204);
    assert.equal(v1.headers.get('x-prometheus-remote-write-samples-written'), null);
    for (const [metric, want] of [
      ['rw_v2', '3'],
      ['rw_v1', '5'],
    ]) {
      const q = await getJSON(
        `${url}/api/v1/query?query=${encodeURIComponent(`sum_over_time(${metric}[5m])`)}&time=${(t + 1000) / 1000}`,
      );
      assert.equal(q.json.data?.result?.[0]?.value?.[1], want, JSON.stringify(q.json));
    }
  } finally {
    await server.stop();
  }
});
