import type { Command } from 'commander';

/** `osprey check alertmanager FILE...` and `osprey alertmanager routes [test LABELS...]`, like amtool. */
export function registerAlertmanagerCommands(check: Command, program: Command): void {
  check
    .command('alertmanager')
    .argument('<files...>', 'alertmanager.yml files')
    .description('check alertmanager.yml files (like amtool check-config; exit 0 ok, 1 invalid)')
    .action(async (files: string[]) => {
      const { checkAlertmanagerConfigFile } = await import('../alertmanager/index.ts');
      let ok = true;
      for (const f of files) {
        const r = checkAlertmanagerConfigFile(f);
        process.stdout.write(r.output);
        if (!r.ok) {
          ok = false;
          for (const e of r.errors) process.stderr.write(`${e}\n`);
        }
      }
      process.exit(ok ? 0 : 1);
    });
  const am = program.command('alertmanager').description('offline tools for alertmanager.yml');
  const routes = am
    .command('routes')
    .option('--config.file <file>', 'alertmanager.yml', 'alertmanager.yml')
    .description('print the routing tree (like amtool config routes)')
    .action(async (o: Record<string, string>) => {
      const { root } = await load(o['config.file']);
      const { formatRoutingTree } = await import('../alertmanager/index.ts');
      process.stdout.write(formatRoutingTree(root));
    });
  routes
    .command('test')
    .argument('[labels...]', 'alert labels, e.g. severity=critical service=db')
    .description('print the receivers an alert with these labels reaches (like amtool config routes test)')
    .action(async (labels: string[]) => {
      // --config.file belongs to `routes` (commander parses parent options anywhere on the line).
      const file = routes.opts()['config.file'];
      const { root } = await load(file);
      const { testRouting } = await import('../alertmanager/index.ts');
      const { Labels } = await import('../model/index.ts');
      const pairs: string[] = [];
      for (const l of labels) {
        const i = l.indexOf('=');
        if (i <= 0) {
          process.stderr.write(`invalid label "${l}": expected name=value\n`);
          process.exit(1);
        }
        pairs.push(l.slice(0, i), l.slice(i + 1).replace(/^"(.*)"$/, '$1'));
      }
      process.stdout.write(`${testRouting(root, Labels.fromPairs(pairs)).join(',')}\n`);
    });
}

async function load(file: string) {
  const { loadAlertmanagerConfigFile } = await import('../config/alertmanager-index.ts');
  const { Route } = await import('../alertmanager/index.ts');
  try {
    const cfg = loadAlertmanagerConfigFile(file);
    return { cfg, root: new Route(cfg.route) };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
