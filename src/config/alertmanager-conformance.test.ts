/**
 * Upstream Alertmanager config test data (../shared/conformance/alertmanager-config, README section 6):
 * good files load (with the inherited values upstream checks), bad files fail with the expected message.
 * Known differences: alertmanager-conformance-known-failures.tsv.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  alertmanagerConfigToYaml,
  configErrorMessage,
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
  redactedAlertmanagerConfig,
} from './alertmanager-index.ts';
import { ConfigError } from './yaml-errors.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = join(HERE, '../../../shared/conformance/alertmanager-config');

function readTSV(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

const known = new Map(
  readTSV(join(HERE, 'alertmanager-conformance-known-failures.tsv')).map((r) => [r[0], r[1] ?? '']),
);
let ran = 0;
let passed = 0;
const failed: string[] = [];
const knownFailed: string[] = [];
const nowPassing: string[] = [];

function check(name: string, fn: () => void): void {
  test(name, () => {
    ran++;
    try {
      fn();
    } catch (e) {
      if (known.has(name)) {
        knownFailed.push(`${name}: ${known.get(name)}`);
        return;
      }
      failed.push(name);
      throw e;
    }
    passed++;
    if (known.has(name)) nowPassing.push(name);
  });
}

function loadError(file: string): ConfigError {
  try {
    loadAlertmanagerConfigFile(join(DIR, file));
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail(`${file} loaded but must fail`);
}

describe('alertmanager-config conformance', { skip: !existsSync(DIR) && 'conformance data not found' }, () => {
  const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.yml')) : [];
  const expected = new Map<string, { text: string; context: string }>();
  if (existsSync(DIR))
    for (const [f, text, context] of readTSV(join(DIR, 'expected-errors.tsv'))) expected.set(f, { text, context });

  for (const file of files) {
    const exp = expected.get(file);
    if (!exp) {
      check(`loads ${file}`, () => {
        loadAlertmanagerConfigFile(join(DIR, file));
      });
      continue;
    }
    check(`rejects ${file}`, () => {
      const e = loadError(file);
      const msg = configErrorMessage(e);
      if (exp.context.includes('yaml: unmarshal errors:')) {
        // go-yaml's "line N: field X not found in type T": we report the same line and the same words.
        const m = /^line (\d+): (.*)$/.exec(exp.text);
        assert.ok(m, exp.text);
        assert.equal(e.line, Number(m[1]));
        assert.ok(msg.includes(m[2]), msg);
      } else if (exp.context.includes('equals')) assert.equal(msg, exp.text);
      else assert.ok(e.issues.join('\n').includes(exp.text), msg);
    });
  }

  const at = (file: string) => loadAlertmanagerConfigFile(join(DIR, file));
  check('inherit victorops api key', () => {
    const c = at('conf.victorops-default-apikey.yml');
    assert.equal(c.receivers[0].victorops_configs?.[0].api_key, 'asd132');
    assert.equal(c.receivers[1].victorops_configs?.[0].api_key, 'qwe456');
  });
  check('inherit victorops api key file', () => {
    const c = at('conf.victorops-default-apikey-file.yml');
    assert.equal(c.receivers[0].victorops_configs?.[0].api_key_file, '/global_file');
    assert.equal(c.receivers[1].victorops_configs?.[0].api_key_file, '/override_file');
  });
  check('inherit telegram bot token', () => {
    const c = at('conf.telegram-default-bot-token.yml');
    const g = c.global.telegram_bot_token;
    assert.ok(g);
    assert.equal(c.receivers[0].telegram_configs?.[0].bot_token, g);
    assert.notEqual(c.receivers[1].telegram_configs?.[0].bot_token, g);
  });
  check('inherit telegram bot token file', () => {
    const c = at('conf.telegram-default-bot-token-file.yml');
    assert.equal(c.receivers[0].telegram_configs?.[0].bot_token_file, '/global_file');
    assert.equal(c.receivers[1].telegram_configs?.[0].bot_token_file, '/override_file');
  });
  check('inherit opsgenie api key file', () => {
    const c = at('conf.opsgenie-default-apikey-file.yml');
    assert.equal(c.receivers[0].opsgenie_configs?.[0].api_key_file, '/global_file');
    assert.equal(c.receivers[1].opsgenie_configs?.[0].api_key_file, '/override_file');
  });
  check('inherit wechat secret file', () => {
    const c = at('conf.wechat-default-api-secret-file.yml');
    const w = c.receivers[0].wechat_configs ?? [];
    assert.equal(w[0].api_secret_file, '/global_file');
    assert.equal(w[1].api_secret_file, '/override_file');
    assert.equal(w[2].api_secret, 'my_inline_secret');
    assert.equal(w[0].corp_id, 'my_corp_id');
  });
  check('inherit slack app token', () => {
    const c = at('conf.slack-default-app-token.yml');
    const s = c.receivers[0].slack_configs ?? [];
    assert.equal(s[0].app_token, 'xoxb-1234-abcdefgh');
    assert.equal(s[1].app_token, 'xoxb-1234-xxxxxx');
    assert.equal(s[2].app_url, 'http://api.fakeslack.example/');
    assert.equal(s[4].app_token, undefined);
  });
  check('group_by ... means all labels', () => {
    const c = at('conf.group-by-all.yml');
    assert.equal(c.route.group_by_all, true);
  });
  check('conf.good.yml smtp_hello, secrets, roundtrip', () => {
    const c = at('conf.good.yml');
    assert.equal(c.global.smtp_hello, 'host.example.org');
    const y = alertmanagerConfigToYaml(c);
    assert.equal(y.match(/<secret>/g)?.length, 13);
    assert.ok(!y.includes('mysecret'));
    const again = parseAlertmanagerConfig(y, 'roundtrip.yml');
    assert.deepEqual(redactedAlertmanagerConfig(again), redactedAlertmanagerConfig(c));
  });

  after(() => {
    console.log(`alertmanager-config conformance: ran ${ran}, passed ${passed}, failed ${failed.length}`);
    for (const k of knownFailed) console.log(`  known failure: ${k}`);
    for (const n of nowPassing) console.log(`  listed as known failure but passes now: ${n}`);
  });
});
