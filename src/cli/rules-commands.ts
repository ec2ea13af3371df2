/** `osprey check rules FILE...` and `osprey test rules TEST.yml...`, with promtool's output and exit codes. */
import type { Command } from 'commander';

function subcommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Adds `check rules` and `test rules` (reusing existing `check` / `test` commands when present). */
export function registerRulesCommands(program: Command): void {
  subcommand(program, 'check', 'check configuration files (like promtool check)')
    .command('rules')
    .argument('<files...>', 'rule files')
    .option('--lint <linters>', 'linting checks: duplicate-rules or none (comma separated)', 'duplicate-rules')
    .option('--lint-fatal', 'make lint errors exit with exit code 3', false)
    .option('--ignore-unknown-fields', 'ignore unknown fields in the rule files', false)
    .description('check that rule files are valid (exit 0 ok, 1 invalid, 3 lint problems with --lint-fatal)')
    .action(async (files: string[], o: { lint: string; lintFatal: boolean; ignoreUnknownFields: boolean }) => {
      const code = await checkRulesCommand(files, {
        lint: o.lint.split(','),
        lintFatal: o.lintFatal,
        ignoreUnknownFields: o.ignoreUnknownFields,
      });
      process.exit(code);
    });
  subcommand(program, 'test', 'unit testing (like promtool test)')
    .command('rules')
    .argument('<files...>', 'unit test files')
    .option('--run <regex>', 'only run test groups whose name matches (repeatable)', collect, [])
    .option('--ignore-unknown-fields', 'ignore unknown fields in the rule files', false)
    .option('--debug', 'accepted for promtool compatibility', false)
    .option('--diff', 'accepted for promtool compatibility', false)
    .description('run promtool-style unit tests for rules (exit 0 all passed, 1 a test failed)')
    .action(async (files: string[], o: { run: string[]; ignoreUnknownFields: boolean }) => {
      process.exit(await testRulesCommand(files, { run: o.run, ignoreUnknownFields: o.ignoreUnknownFields }));
    });
}

/** Runs `check rules`; writes promtool's output; returns the exit code. */
export async function checkRulesCommand(
  files: string[],
  opts: { lint?: string[]; lintFatal?: boolean; ignoreUnknownFields?: boolean },
): Promise<number> {
  const { checkRuleFiles } = await import('../rules/index.ts');
  const r = checkRuleFiles(files, opts);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

/** Runs `test rules`; writes promtool's output; returns the exit code. */
export async function testRulesCommand(
  files: string[],
  opts: { run?: string[]; ignoreUnknownFields?: boolean },
): Promise<number> {
  const { runUnitTestFiles } = await import('../rules/index.ts');
  const r = runUnitTestFiles(files, opts);
  process.stdout.write(r.output);
  return r.exitCode;
}
