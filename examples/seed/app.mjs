// The seed's application, instrumented with prom-client: http_requests_total{method,status},
// cpu_usage_percentage and the http_request_latency_seconds histogram, served on /metrics.
//
//   node examples/seed/app.mjs                 # real process CPU usage, listens on 127.0.0.1:8080
//   PORT=3000 CPU_PERCENT=95 node examples/seed/app.mjs   # report a hot CPU (drives HighCPUUsage)
//   CPU_BURN=1 node examples/seed/app.mjs      # actually burn CPU (~90% of one core)
import { createServer, request } from 'node:http';
import client from 'prom-client';

const registry = new client.Registry();
const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'Total number of HTTP requests.',
  labelNames: ['method', 'status'],
  registers: [registry],
});
const cpu = new client.Gauge({
  name: 'cpu_usage_percentage',
  help: 'CPU usage of the application in percent.',
  registers: [registry],
});
const latency = new client.Histogram({
  name: 'http_request_latency_seconds',
  help: 'HTTP request latency in seconds.',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});

const fixedCpu = process.env.CPU_PERCENT === undefined ? undefined : Number(process.env.CPU_PERCENT);
const burn = process.env.CPU_BURN === '1';

// Process CPU time over wall time since the last tick, in percent of one core.
let lastCpu = process.cpuUsage();
let lastWall = process.hrtime.bigint();
setInterval(() => {
  if (burn) {
    const until = Date.now() + 90;
    while (Date.now() < until) {
      /* busy: 90 ms of every 100 ms */
    }
  }
  const nowCpu = process.cpuUsage();
  const nowWall = process.hrtime.bigint();
  const usedUs = nowCpu.user - lastCpu.user + (nowCpu.system - lastCpu.system);
  const wallUs = Number(nowWall - lastWall) / 1000;
  lastCpu = nowCpu;
  lastWall = nowWall;
  cpu.set(fixedCpu ?? Math.min(100, (100 * usedUs) / Math.max(wallUs, 1)));
}, 100).unref();

const port = Number(process.env.PORT ?? 8080);
const server = createServer(async (req, res) => {
  const end = latency.startTimer();
  if (req.url === '/metrics') {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
    return;
  }
  const status = req.url === '/error' ? 500 : req.url === '/' || req.url === '/work' ? 200 : 404;
  // Some simulated work so the latency histogram has a spread.
  setTimeout(
    () => {
      res.statusCode = status;
      res.end(status === 200 ? 'ok\n' : 'error\n');
      requests.inc({ method: req.method ?? 'GET', status: String(status) });
      end();
    },
    Math.random() * 50,
  );
});

server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  console.log(`app: metrics on http://127.0.0.1:${bound}/metrics`);
  // A little traffic of our own, so the request metrics move.
  setInterval(() => {
    const path = Math.random() < 0.9 ? '/work' : '/error';
    request({ host: '127.0.0.1', port: bound, path, method: Math.random() < 0.8 ? 'GET' : 'POST' }, (r) => r.resume())
      .on('error', () => {})
      .end();
  }, 250).unref();
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
