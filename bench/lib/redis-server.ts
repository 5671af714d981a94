import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from './proc.ts';

/** A private redis-server for one bench run: its own port, temp dir, append-only file. */
export interface BenchRedis {
  port: number;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server with `appendonly yes` and the given `appendfsync` policy. */
export async function startBenchRedis(fsync: 'always' | 'everysec'): Promise<BenchRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync,
      '--save', '', '--protected-mode', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil('redis-server answers', async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  });
  return {
    port,
    pid: child.pid ?? 0,
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
