/**
 * Osprey extension: run a local command for a notification (auto-remediation). The command gets the webhook
 * JSON on stdin and a few OSPREY_* environment variables; a non-zero exit, a signal or the timeout is a
 * permanent error (a remediation script is not re-run by the retry loop).
 */
import { spawn } from 'node:child_process';
import type { Cancellation } from '../alertmanager/cancellation.ts';
import type { NotifyResult } from '../alertmanager/notifier.ts';
import { NotifyError, ok, permanent } from './http.ts';

export interface CommandSpec {
  /** argv; argv[0] is looked up in PATH. No shell is involved. */
  argv: string[];
  /** ms; default 30s */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface CommandOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024;

/** Runs the command with `input` on stdin; resolves when it exits (never rejects for exit failures). */
export function runCommand(spec: CommandSpec, input: string, signal?: Cancellation): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = spec.argv;
    if (!file) {
      reject(new Error('empty command'));
      return;
    }
    const child = spawn(file, args, {
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, spec.timeoutMs ?? 30_000);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      reject(e);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolve({ exitCode: code, signal: sig, timedOut, stdout, stderr });
    });
    // A command that does not read stdin closes the pipe early; that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs the command and maps its outcome to a notification result. */
export async function notifyByCommand(
  integration: string,
  spec: CommandSpec,
  input: string,
  signal: Cancellation,
): Promise<NotifyResult & { outcome?: CommandOutcome }> {
  const name = spec.argv[0] ?? '';
  let outcome: CommandOutcome;
  try {
    outcome = await runCommand(spec, input, signal);
  } catch (e) {
    return permanent(
      new NotifyError(`${integration}: command ${JSON.stringify(name)} could not run: ${(e as Error).message}`),
    );
  }
  const tail = outcome.stderr.trim().slice(-512);
  const detail = tail ? `: ${tail}` : '';
  if (outcome.timedOut)
    return {
      ...permanent(new NotifyError(`${integration}: command ${JSON.stringify(name)} timed out${detail}`)),
      outcome,
    };
  if (signal.aborted)
    return { ...permanent(new NotifyError(`${integration}: command ${JSON.stringify(name)} canceled`)), outcome };
  if (outcome.exitCode !== 0) {
    const how = outcome.signal ? `killed by ${outcome.signal}` : `exit status ${outcome.exitCode}`;
    return {
      ...permanent(new NotifyError(`${integration}: command ${JSON.stringify(name)} failed with ${how}${detail}`)),
      outcome,
    };
  }
  return { ...ok, outcome };
}
