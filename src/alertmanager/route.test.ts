import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadAlertmanagerConfigFile, parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Labels } from '../model/index.ts';
import { parseMatchers } from './matchers.ts';
import { groupKey, Route } from './route.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const AMTOOL = join(HERE, '../../../shared/conformance/alertmanager-config/amtool');

function labelsOf(text: string): Labels {
  const o: Record<string, string> = {};
  for (const m of parseMatchers(text)) o[m.name] = m.value;
  return Labels.fromObject(o);
}

describe('routing tree', () => {
  test('amtool routing-expectations.tsv', { skip: !existsSync(AMTOOL) && 'conformance data not found' }, () => {
    const rows = readFileSync(join(AMTOOL, 'routing-expectations.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t'));
    assert.ok(rows.length >= 4);
    let passed = 0;
    for (const [file, labels, receivers] of rows) {
      const route = new Route(loadAlertmanagerConfigFile(join(AMTOOL, file)).route);
      const got = route.match(labelsOf(labels)).map((r) => r.receiver);
      assert.deepEqual(got, receivers.split(','), `${file} ${labels}`);
      passed++;
    }
    console.log(`routing expectations: ran ${rows.length}, passed ${passed}, failed ${rows.length - passed}`);
  });

  const cfg = parseAlertmanagerConfig(
    `route:
  receiver: default
  group_by: [alertname]
  routes:
    - match: {service: db}
      receiver: db
      group_by: [alertname, cluster]
      routes:
        - matchers: ['severity="critical"']
          receiver: db-pager
          continue: true
        - matchers: ['owner=~"team-.*"']
          receiver: team
    - match: {service: db}
      receiver: second
    - matchers: ['service!="db"', 'env=~"prod|staging"']
      receiver: prod
      group_by: ['...']
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: team}, {name: second}, {name: prod}]
`,
    'am.yml',
  );
  const root = new Route(cfg.route);
  const recv = (o: Record<string, string>) => root.match(Labels.fromObject(o)).map((r) => r.receiver);

  test('depth-first with continue; a matching child without continue stops the search', () => {
    assert.deepEqual(recv({ service: 'db', severity: 'critical', owner: 'team-x' }), ['db-pager', 'team']);
    // A matching child with continue still counts as a match, so the parent is not added.
    assert.deepEqual(recv({ service: 'db', severity: 'critical' }), ['db-pager']);
    assert.deepEqual(recv({ service: 'db' }), ['db']);
    assert.deepEqual(recv({ service: 'web', env: 'prod' }), ['prod']);
    assert.deepEqual(recv({ service: 'web', env: 'dev' }), ['default']);
    assert.deepEqual(recv({ env: 'staging' }), ['prod']);
  });

  test('route keys, ids and group keys as Alertmanager prints them', () => {
    assert.equal(root.key, '{}');
    assert.equal(root.id, '{}');
    const db = root.routes[0];
    assert.equal(db.key, '{}/{service="db"}');
    assert.equal(db.id, '{}/{service="db"}/0');
    assert.equal(root.routes[1].id, '{}/{service="db"}/1');
    assert.equal(db.routes[0].key, '{}/{service="db"}/{severity="critical"}');
    assert.equal(root.routes[2].key, '{}/{env=~"prod|staging",service!="db"}');
    const l = Labels.fromObject({ alertname: 'x', cluster: 'c1', service: 'db', other: 'y' });
    assert.equal(groupKey(db, db.groupLabels(l)), '{}/{service="db"}:{alertname="x", cluster="c1"}');
    assert.equal(groupKey(root, root.groupLabels(l)), '{}:{alertname="x"}');
    const prod = root.routes[2];
    assert.equal(prod.groupLabels(l).size, 4, 'group_by ... keeps every label');
  });
});

describe('routing tree text', () => {
  test('as amtool config routes show / test --tree', {
    skip: !existsSync(AMTOOL) && 'conformance data not found',
  }, async () => {
    const { formatMatchingTree, formatRoutingTree } = await import('./routing-tree.ts');
    const root = new Route(loadAlertmanagerConfigFile(join(AMTOOL, '../conf.good.yml')).route);
    assert.equal(
      formatRoutingTree(root),
      `Routing tree:
.
└── default-route  receiver: team-X-mails
    ├── {service=~"^(?:^(foo1|foo2|baz)$)$"}  receiver: team-X-mails
    │   └── {severity="critical"}  receiver: team-X-pager
    ├── {service="files"}  receiver: team-Y-mails
    │   └── {severity="critical"}  receiver: team-Y-pager
    └── {service="database"}  receiver: team-DB-pager
        ├── {owner2="team-X"}  continue: true  receiver: team-X-pager
        └── {owner="team-Y"}  receiver: team-Y-pager
`,
    );
    assert.equal(
      formatMatchingTree(root, Labels.fromObject({ service: 'database', owner2: 'team-X', owner: 'team-Y' })),
      `Matching routes:
.
└── default-route  receiver: team-DB-pager
    └── {service="database"}  receiver: team-DB-pager
        ├── {owner2="team-X"}  receiver: team-X-pager
        └── {owner="team-Y"}  receiver: team-Y-pager
`
        .replace('default-route  receiver: team-DB-pager', 'default-route')
        .replace('{service="database"}  receiver: team-DB-pager', '{service="database"}'),
    );
  });
});
