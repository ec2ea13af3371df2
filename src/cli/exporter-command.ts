import type { Command } from 'commander';
import { NODE_EXPORTER_COLLECTORS } from '../collectors/host/registry.ts';

/** node_exporter's collectors plus Osprey's own `container` (cgroup, cAdvisor names) and `gpu` (nvidia-smi). */
const HOST_COLLECTOR_FLAGS = [...Object.keys(NODE_EXPORTER_COLLECTORS), 'container', 'gpu'].sort();

/**
 * `osprey exporter`: runs only the built-in collectors (host, process, logs, probe) and serves them on one
 * port (/metrics, /collectors/<name>/metrics, /probe) for a central Osprey to scrape. SIGHUP reloads the
 * module file and the collectors config.
 */
export function registerExporterCommand(program: Command): void {
  program
    .command('exporter')
    .description('serve the built-in collectors (host, process, logs, probe) for a central Osprey to scrape')
    .option('--web.listen-address <address>', 'address to listen on', ':9100')
    .option(
      '--collectors <list>',
      'comma-separated collectors to run: host,process,logs,probe',
      'host,process,logs,probe',
    )
    .option('--config.file <file>', 'YAML file whose osprey.logs / osprey.processes configure those collectors')
    .option('--probe.config.file <file>', 'blackbox_exporter module file (default: blackbox example modules)')
    .option('--path.procfs <path>', 'procfs mount point', '/proc')
    .option('--path.sysfs <path>', 'sysfs mount point', '/sys')
    .option('--path.rootfs <path>', 'root filesystem mount point', '/')
    .option('--collector.textfile.directory <dir>', 'directory of *.prom files for the host textfile collector')
    .option('--collector.disable-defaults', 'run only the host collectors enabled with --collector.<name>')
    .option('--logs.positions-file <file>', 'where the log collector keeps read positions across restarts')
    .option('--log.level <level>', 'debug, info, warn, error', 'info')
    .option('--log.format <format>', 'logfmt or json', 'logfmt');
  const command = program.commands.find((c) => c.name() === 'exporter')!;
  for (const name of HOST_COLLECTOR_FLAGS) {
    command.option(`--collector.${name}`, `enable the ${name} host collector`);
    command.option(`--no-collector.${name}`, `disable the ${name} host collector`);
  }
  command.action(async (raw: Record<string, string | boolean | undefined>, cmd: Command) => {
    // commander camel-cases after hyphens ("web.listenAddress"); key the values by the flag names again.
    const o: Record<string, string | undefined> = {};
    for (const opt of cmd.options) {
      const v = raw[opt.attributeName()];
      if (opt.long && !opt.negate) o[opt.long.replace(/^--/, '')] = typeof v === 'string' ? v : undefined;
    }
    const hostFlags: Record<string, boolean | undefined> = {};
    for (const name of HOST_COLLECTOR_FLAGS) {
      const v = raw[`collector.${name}`];
      hostFlags[name] = typeof v === 'boolean' ? v : undefined;
    }
    const { createLogger } = await import('./logger.ts');
    const { startExporter, EXPORTER_COLLECTORS, selectHostCollectors } = await import('../collectors/index.ts');
    const log = createLogger(o['log.level'] ?? 'info', o['log.format'] ?? 'logfmt');
    const names = (o.collectors ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(EXPORTER_COLLECTORS as readonly string[]).includes(n));
    if (unknown.length > 0) {
      process.stderr.write(`osprey: error: unknown collector(s) ${unknown.join(', ')}, try --help\n`);
      process.exit(1);
    }
    const textfileDir = o['collector.textfile.directory'];
    const selected = selectHostCollectors(hostFlags, raw['collector.disableDefaults'] === true);
    for (const n of selected.unimplemented)
      log.warn({ collector: n }, 'node_exporter collector not implemented by Osprey');
    // Like node_exporter, textfile only does something with a directory.
    const enabledHost = selected.enabled.filter((n) => n !== 'textfile' || textfileDir);
    let textfileParser: ((text: string) => import('../exposition/index.ts').ExpositionParser) | undefined;
    if (textfileDir) {
      const { createParser } = await import('../exposition/index.ts');
      textfileParser = (t) => createParser(t, 'text');
    }
    let exporter: Awaited<ReturnType<typeof startExporter>>;
    try {
      exporter = await startExporter({
        listenAddress: o['web.listen-address'] ?? ':9100',
        collectors: names as (typeof EXPORTER_COLLECTORS)[number][],
        modulesFile: o['probe.config.file'],
        configFile: o['config.file'],
        host: {
          procPath: o['path.procfs'],
          sysPath: o['path.sysfs'],
          rootfsPath: o['path.rootfs'],
          textfileDirectory: textfileDir,
          textfileParser,
          enabled: enabledHost,
        },
        logPositionsFile: o['logs.positions-file'],
        onError: (where, err) => log.debug({ err: (err as Error)?.message ?? String(err), where }, 'collector error'),
      });
    } catch (e) {
      log.error({ err: (e as Error).message }, 'Error starting the exporter');
      process.exit(1);
    }
    log.info({ address: exporter.url, collectors: names.join(',') }, 'Osprey exporter listening');
    process.on('SIGHUP', () => {
      exporter.reload().then(
        () => log.info('Reloaded configuration'),
        (e) => log.error({ err: (e as Error).message }, 'Reload failed; keeping the old configuration'),
      );
    });
    const shutdown = async () => {
      await exporter.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown());
    process.on('SIGTERM', () => void shutdown());
  });
}
