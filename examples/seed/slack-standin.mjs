// A Slack-compatible incoming-webhook stand-in on 127.0.0.1: accepts POST /services/..., prints each message
// and answers "ok" as Slack does.   node examples/seed/slack-standin.mjs [port]   (default 8065)
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** Starts the stand-in; `onMessage` gets every parsed payload. Resolves with the server and its port. */
export function startSlackStandIn(port = 8065, onMessage = printMessage) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/services/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      let payload;
      try {
        payload = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      onMessage(payload, req.url);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}

/** Prints a Slack message the way a channel would show it, then the raw payload. */
export function printMessage(payload) {
  const lines = [`--- Slack message to ${payload.channel ?? '(webhook default channel)'} ---`];
  if (payload.text) lines.push(payload.text);
  for (const a of payload.attachments ?? []) {
    if (a.title) lines.push(`[${a.color ?? ''}] ${a.title}${a.title_link ? `  <${a.title_link}>` : ''}`);
    if (a.text) lines.push(a.text);
    for (const f of a.fields ?? []) lines.push(`${f.title}: ${f.value}`);
  }
  lines.push('--- payload ---', JSON.stringify(payload, null, 2));
  console.log(lines.join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await startSlackStandIn(Number(process.argv[2] ?? 8065));
  console.log(`slack stand-in: listening on http://127.0.0.1:${port}/services/...`);
}
