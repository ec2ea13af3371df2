import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { startOsprey, tempDir } from './helpers.ts';

test('--web.config.file basic auth protects the API and the Alertmanager API; --web.read-only refuses writes', async () => {
  const dir = tempDir();
  const webConfig = join(dir, 'web.yml');
  writeFileSync(webConfig, `basic_auth_users:\n  alice: ${bcrypt.hashSync('secret-pw', 4)}\n`);
  const o = await startOsprey('scrape_configs: []\n', { 'web.config.file': webConfig, 'web.read-only': 'true' });
  try {
    const auth = { authorization: `Basic ${Buffer.from('alice:secret-pw').toString('base64')}` };
    const anon = await fetch(`${o.url}/api/v1/query?query=1`);
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await fetch(`${o.url}/api/v1/query?query=1`, { headers: auth })).status, 200);
    const wrong = { authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` };
    assert.equal((await fetch(`${o.url}/api/v2/alerts`, { headers: wrong })).status, 401);
    const post = await fetch(`${o.url}/api/v2/silences`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(post.status, 403);
  } finally {
    await o.server.stop();
  }
});
