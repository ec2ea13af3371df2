import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { chromium } from 'playwright-core';
import { makeTestCerts } from '../src/api/tls-test-certs.ts';
import { startOsprey, tempDir } from './helpers.ts';
import { CHROMIUM_ARGS } from './ui-harness.ts';

// The web config with real clients: curl with --cacert, and Chromium loading the UI over TLS with basic auth.
test('TLS and basic auth from --web.config.file work with curl --cacert and with Chromium', async () => {
  const certs = makeTestCerts();
  const dir = tempDir();
  const web = join(dir, 'web.yml');
  writeFileSync(
    web,
    `tls_server_config:
  cert_file: ${certs.serverCert}
  key_file: ${certs.serverKey}
basic_auth_users:
  alice: ${bcrypt.hashSync('pw', 4)}
http_server_config:
  headers:
    X-Frame-Options: deny
`,
  );
  const o = await startOsprey('scrape_configs: []\n', { 'web.config.file': web });
  try {
    assert.match(o.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    // curl runs asynchronously: the server answering it lives in this process.
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile('curl', ['-s', '--max-time', '10', ...args], (e, out) =>
          resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out }),
        ),
      );
    const status = async (...a: string[]) =>
      (await run(['-o', '/dev/null', '-w', '%{http_code}', '--cacert', certs.caCert, ...a])).out;
    assert.equal(await status(`${o.url}/api/v1/query?query=1`), '401');
    assert.equal(await status('-u', 'alice:pw', `${o.url}/api/v1/query?query=1`), '200');
    // Without the CA, curl refuses the certificate (exit 60).
    assert.equal((await run([`${o.url}/-/healthy`])).code, 60);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      // The test CA is not in Chromium's store, so certificate errors are accepted for this context only.
      const ctx = await browser.newContext({
        ignoreHTTPSErrors: true,
        httpCredentials: { username: 'alice', password: 'pw' },
      });
      const page = await ctx.newPage();
      const res = await page.goto(`${o.url}/graph`);
      assert.equal(res?.status(), 200);
      assert.equal(res?.headers()['x-frame-options'], 'deny');
      await page.locator('text=Query').first().waitFor({ timeout: 15_000 });
      const anon = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      // Without credentials the browser is challenged (401 + WWW-Authenticate) and gives up.
      await assert.rejects(anon.goto(`${o.url}/api/v1/status/buildinfo`), /ERR_INVALID_AUTH_CREDENTIALS/);
    } finally {
      await browser.close();
    }
  } finally {
    await o.server.stop();
  }
});
