import { Command, Option } from 'commander';
import { registerAlertmanagerCommands } from './alertmanager-commands.ts';
import { registerExporterCommand } from './exporter-command.ts';
import { FlagError, SERVER_FLAGS, validateFlags } from './flags.ts';
import { registerHashPasswordCommand } from './hash-password.ts';
import { createLogger } from './logger.ts';
import { registerQueryCommand } from './query-command.ts';
import { registerRulesCommands } from './rules-commands.ts';
import { registerTsdbCommand } from './tsdb-command.ts';

/** The `osprey` command. `osprey run` is the server; other subcommands are offline tools. */
const program = new Command();
program
  .name('osprey')
  .description('Osprey: monitoring and alerting compatible with Prometheus and Alertmanager')
  .version(await version(), '--version');

const run = program.command('run', { isDefault: true }).description('start the Osprey server');
// commander camel-cases after hyphens ("web.enableLifecycle"); map its keys back to the flag names.
const flagByAttribute = new Map<string, string>();
for (const f of SERVER_FLAGS) {
  const opt =
    f.kind === 'bool'
      ? new Option(`--${f.name} [bool]`, f.help).argParser((v) => (v === undefined ? 'true' : v))
      : new Option(`--${f.name} <value>`, f.help);
  if (f.kind === 'bool') opt.preset('true');
  if (f.default !== '' && f.kind !== 'bool') opt.default(f.default);
  flagByAttribute.set(opt.attributeName(), f.name);
  run.addOption(opt);
}
run.action(async (opts: Record<string, string | boolean>) => {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) raw[flagByAttribute.get(k) ?? k] = String(v);
  let flags: Record<string, string>;
  try {
    flags = validateFlags(raw);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`osprey: error: ${e.message}, try --help\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(flags['log.level'], flags['log.format']);
  const { OspreyServer } = await import('../server.ts');
  let server: InstanceType<typeof OspreyServer>;
  try {
    server = new OspreyServer(flags, log);
    await server.start();
  } catch (e) {
    log.error({ err: (e as Error).message }, 'Error starting Osprey');
    process.exit(1);
  }
  process.stdout.write(`Osprey is listening on ${server.address} (API: ${server.address}/api/v1/query?query=up)\n`);
  process.on('SIGHUP', () => {
    server.reload().catch(() => {
      /* logged by reload; the old config keeps running */
    });
  });
  const shutdown = async (sig: string) => {
    log.info({ signal: sig }, 'Received shutdown signal, exiting gracefully');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
});

const check = program.command('check').description('check configuration files (like promtool check)');
check
  .command('config')
  .argument('<files...>', 'prometheus.yml files')
  .description('check that configuration files are valid (exit 0 ok, 1 invalid)')
  .action(async (files: string[]) => {
    const { checkConfigFiles } = await import('../config/index.ts');
    const r = checkConfigFiles(files);
    for (const line of r.output) process.stdout.write(`${line}\n`);
    process.exit(r.ok ? 0 : 1);
  });

registerQueryCommand(program);
registerAlertmanagerCommands(check, program);
registerTsdbCommand(program);
registerRulesCommands(program);
registerExporterCommand(program);
registerHashPasswordCommand(program);

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version;
}

await program.parseAsync(process.argv);
