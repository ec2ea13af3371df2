/**
 * `osprey hash-password`: prints a bcrypt hash for `basic_auth_users` in the web config. The password is
 * read from stdin (typed without echo on a terminal), never from the command line, where `ps` would show it.
 */
import bcrypt from 'bcryptjs';
import type { Command } from 'commander';

export const DEFAULT_BCRYPT_COST = 10;

export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  if (password === '') throw new Error('empty password');
  // bcrypt reads at most 72 bytes; a longer password would silently match any password with the same prefix.
  if (bcrypt.truncates(password)) throw new Error('password is longer than 72 bytes, which bcrypt cannot hash');
  return bcrypt.hash(password, cost);
}

/** Reads one line (a terminal: typed without echo; a pipe: up to the first newline). */
export async function readPassword(input: NodeJS.ReadStream, prompt: NodeJS.WritableStream): Promise<string> {
  if (input.isTTY) {
    prompt.write('Password: ');
    input.setRawMode(true);
  }
  const chunks: string[] = [];
  input.setEncoding('utf8');
  try {
    for await (const chunk of input) {
      const s = String(chunk);
      const nl = s.search(/[\r\n\u0004]/);
      if (input.isTTY && s === '\u0003') throw new Error('interrupted');
      if (nl >= 0) {
        chunks.push(s.slice(0, nl));
        break;
      }
      chunks.push(s);
    }
  } finally {
    if (input.isTTY) {
      input.setRawMode(false);
      prompt.write('\n');
    }
    input.pause();
  }
  return chunks.join('');
}

export function registerHashPasswordCommand(program: Command): void {
  program
    .command('hash-password')
    .description('read a password from stdin and print its bcrypt hash for basic_auth_users in --web.config.file')
    .option('--cost <n>', 'bcrypt cost factor (4-31)', String(DEFAULT_BCRYPT_COST))
    .action(async (opts: { cost: string }) => {
      const cost = Number(opts.cost);
      if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
        process.stderr.write(
          `osprey hash-password: error: --cost must be an integer from 4 to 31, got "${opts.cost}"\n`,
        );
        process.exit(1);
      }
      try {
        const password = await readPassword(process.stdin, process.stderr);
        process.stdout.write(`${await hashPassword(password, cost)}\n`);
      } catch (e) {
        process.stderr.write(`osprey hash-password: error: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
