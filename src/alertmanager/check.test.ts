import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkAlertmanagerConfigFile } from './check.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-amcheck-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('check alertmanager config', () => {
  test('a good file with templates reports what it found', () => {
    writeFileSync(join(dir, 'my.tmpl'), '{{ define "my.title" }}[{{ .Status | toUpper }}]{{ end }}');
    const f = join(dir, 'am.yml');
    writeFileSync(f, "route: {receiver: a}\nreceivers: [{name: a}, {name: b}]\ntemplates: ['*.tmpl']\n");
    const r = checkAlertmanagerConfigFile(f);
    assert.equal(r.ok, true, r.output);
    assert.match(
      r.output,
      /SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - 2 receivers\n - 1 templates\n/,
    );
  });

  test('config errors and template errors fail', () => {
    const f = join(dir, 'bad.yml');
    writeFileSync(f, 'route: {receiver: nope}\nreceivers: [{name: a}]\n');
    const r = checkAlertmanagerConfigFile(f);
    assert.equal(r.ok, false);
    assert.equal(r.output, `Checking '${f}'  FAILED: undefined receiver "nope" used in route\n`);
    assert.match(r.errors[0], /bad\.yml:1:\d+: route\.receiver: undefined receiver/);
    writeFileSync(join(dir, 'broken.tmpl'), '{{ define "x" }}{{ .Foo ');
    const g = join(dir, 'tmplbad.yml');
    writeFileSync(g, "route: {receiver: a}\nreceivers: [{name: a}]\ntemplates: ['broken.tmpl']\n");
    assert.equal(checkAlertmanagerConfigFile(g).ok, false);
  });
});
