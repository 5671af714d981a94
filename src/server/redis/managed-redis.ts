import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, type NetConnectOpts } from 'node:net';
import { resolve } from 'node:path';
import type { RedisTarget } from './redis-connection.ts';

/** A private redis-server started by the gateway (when no Redis was given and none answers). */
export interface ManagedRedis {
  target: RedisTarget;
  stop(): Promise<void>;
}

/** True when a Redis answers PONG at this address within the timeout. */
function answersPing(address: NetConnectOpts, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection(address);
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

/** True when a Redis answers PONG at host:port within the timeout. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return answersPing({ host, port }, timeoutMs);
}

const pingSocket = (path: string): Promise<boolean> => answersPing({ path }, 500);

function shutdownSocket(path: string): Promise<void> {
  return new Promise((done) => {
    const socket = createConnection({ path });
    socket.on('connect', () => socket.write('SHUTDOWN\r\n'));
    socket.on('close', () => done());
    socket.on('error', () => done());
  });
}

/**
 * Starts `redis-server` on a unix socket under `<baseDir>/var/redis`, append-only, fsync per write
 * (`always`, durable acknowledgements) or once a second (`everysec`, faster, may lose ~1 s).
 */
export async function startManagedRedis(options: { baseDir: string; fsync: 'always' | 'everysec' }): Promise<ManagedRedis> {
  const dir = resolve(options.baseDir, 'var/redis');
  mkdirSync(dir, { recursive: true });
  const socketPath = resolve(dir, 'redis.sock');
  if (existsSync(socketPath) && (await pingSocket(socketPath))) {
    // Left running by a gateway that was killed: same data directory, so adopt it.
    return { target: { path: socketPath }, stop: () => shutdownSocket(socketPath) };
  }
  rmSync(socketPath, { force: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socketPath, '--unixsocketperm', '700', '--dir', dir,
      '--appendonly', 'yes', '--appendfsync', options.fsync, '--save', ''],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let failed: Error | null = null;
  child.once('error', (err) => (failed = err));
  for (let i = 0; i < 100 && failed === null && child.exitCode === null; i++) {
    if (await pingSocket(socketPath)) {
      return {
        target: { path: socketPath },
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start (is it installed? apt-get install redis-server)', { cause: failed });
}
