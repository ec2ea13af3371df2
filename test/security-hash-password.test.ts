import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { hashPassword } from '../src/cli/hash-password.ts';
import { parseWebConfig } from '../src/config/web-config-index.ts';

test('hashPassword gives a bcrypt hash the web config accepts and that verifies', async () => {
  const h = await hashPassword('correct horse', 4);
  assert.match(h, /^\$2[aby]\$04\$/);
  assert.equal(await bcrypt.compare('correct horse', h), true);
  assert.equal(await bcrypt.compare('wrong', h), false);
  const cfg = parseWebConfig(`basic_auth_users:\n  me: ${h}\n`, 'web.yml');
  assert.equal(cfg.basic_auth_users.me, h);
});

test('hashPassword refuses empty and over-long passwords', async () => {
  await assert.rejects(hashPassword(''), /empty password/);
  await assert.rejects(hashPassword('x'.repeat(73)), /72 bytes/);
});

test('`hash-password` reads the password from stdin and prints only the hash', () => {
  const script = `
    import { Command } from 'commander';
    import { registerHashPasswordCommand } from './src/cli/hash-password.ts';
    const p = new Command();
    registerHashPasswordCommand(p);
    await p.parseAsync(['node', 'osprey', 'hash-password', '--cost', '5']);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    input: 's3cret-pass\n',
    encoding: 'utf8',
    cwd: new URL('..', import.meta.url).pathname,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim();
  assert.match(out, /^\$2[aby]\$05\$[./A-Za-z0-9]{53}$/);
  assert.ok(bcrypt.compareSync('s3cret-pass', out));
  assert.ok(!r.stdout.includes('s3cret-pass') && !r.stderr.includes('s3cret-pass'));
  const bad = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script.replace("'5'", "'99'")],
    {
      input: 'x\n',
      encoding: 'utf8',
      cwd: new URL('..', import.meta.url).pathname,
    },
  );
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--cost must be an integer from 4 to 31/);
});
