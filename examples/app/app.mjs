// An example application instrumented with prom-client, as in the seed scenario.
// Run: node examples/app/app.mjs  (serves http://127.0.0.1:8080/metrics)
import { createServer } from 'node:http';
import client from 'prom-client';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by status code.',
  labelNames: ['code'],
  registers: [registry],
});
const latency = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency.',
  buckets: [0.01, 0.05, 0.1, 0.5, 1],
  registers: [registry],
});
const cpu = new client.Gauge({
  name: 'cpu_usage_percentage',
  help: 'CPU usage of the process in percent (simulated).',
  registers: [registry],
});

setInterval(() => {
  requests.inc({ code: Math.random() < 0.95 ? '200' : '500' });
  latency.observe(Math.random() * 0.3);
  cpu.set(50 + 45 * Math.sin(Date.now() / 60_000));
}, 200).unref();

const port = Number(process.env.PORT ?? 8080);
createServer(async (req, res) => {
  if (req.url === '/metrics') {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
    return;
  }
  res.end('ok\n');
}).listen(port, '127.0.0.1', () => console.log(`app metrics on http://127.0.0.1:${port}/metrics`));
