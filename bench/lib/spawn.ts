import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A child process running a TypeScript file in-process through tsx (so its pid is the one doing the work). */
export function spawnTs(file: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Calls `onLine` for each stdout line; resolves when a line matches `ready`. */
export function waitForLine(child: ChildProcess, ready: RegExp, timeoutMs = 60_000, onLine?: (line: string) => void): Promise<string> {
  return new Promise((done, fail) => {
    let buffer = '';
    let errors = '';
    let matched = false;
    const timer = setTimeout(() => fail(new Error(`no "${ready.source}" in time: ${errors.slice(-2000)}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        onLine?.(line);
        if (!matched && ready.test(line)) {
          matched = true;
          clearTimeout(timer);
          done(line);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!matched) fail(new Error(`${ready.source}: process exited with ${code}: ${errors.slice(-2000)}`));
    });
  });
}

/** SIGTERM, then waits for the exit (SIGKILL after 5 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(force);
}
