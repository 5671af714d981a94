import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './chaos/redis-process.ts';

/**
 * Vitest global setup: one private, throwaway `redis-server` for the whole run, on a free port, so
 * `npm test` needs the redis-server binary but no Redis running, and never empties the databases of
 * a Redis someone else uses. Its port goes to the tests in RELAIS_TEST_REDIS_PORT (read by
 * tests/integration/helpers.ts). Set RELAIS_TEST_REDIS_PORT yourself to run on a Redis of your own.
 */
export default async function startTestRedis(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.RELAIS_TEST_REDIS_PORT) return undefined;
  const port = await freePort();
  // Nothing on disk: the tests that need durability start their own durable redis-server.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--databases', '48'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.once('error', () => undefined);
  await waitForPong(port, exited);
  process.env.RELAIS_TEST_REDIS_PORT = String(port);
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

/** Resolves once the server answers PING (within 10 s), rejects when it exits first. */
async function waitForPong(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('redis-server exited at start (is it installed? npm test checks with scripts/prerequisites.ts)');
    if (await pong(port)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`redis-server did not answer on port ${port} within 10 s`);
}

function pong(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => socket.destroy());
    socket.once('data', (data) => {
      socket.destroy();
      done(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
