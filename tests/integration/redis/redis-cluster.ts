import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throw-away Redis Cluster of `redis-server --cluster-enabled yes` processes on free ports, each in
 * its own temp directory (so a node can be stopped and started again with its nodes.conf and data).
 */
export interface TestCluster {
  ports: number[];
  /** `127.0.0.1:p1,127.0.0.1:p2,...`, the REDIS_CLUSTER_NODES value. */
  nodesSetting: string;
  /** The port of the master serving this key's slot. */
  portOfKey(key: string): Promise<number>;
  /** How many connections hold a sharded subscription to this channel (asked of the channel's node). */
  shardSubscribers(channel: string): Promise<number>;
  /** Stops one node (SIGTERM: it writes its append-only file) and starts it again on the same port. */
  restartNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (the cluster bus uses port + 10000: checked too). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (port > 0 && port + 10_000 < 65_536 && (await portIsFree(port + 10_000))) return port;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not reached in time`);
}

/** Starts `masters` nodes and joins them with `redis-cli --cluster create` (no replicas). */
export async function startTestCluster(masters = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const children = new Map<number, ChildProcess>();
  const startNode = async (port: number): Promise<void> => {
    const nodeDir = join(dir, String(port));
    await run('mkdir', ['-p', nodeDir]);
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--cluster-enabled', 'yes',
        '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--appendonly', 'yes',
        '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'no'],
      { stdio: 'ignore' },
    );
    children.set(port, child);
    await waitFor(`node ${port} up`, async () => (await cli(port, 'PING')) === 'PONG');
  };
  const clusterOk = (port: number) => waitFor('cluster_state:ok', async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));

  const stop = async (): Promise<void> => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.all(ports.map(startNode));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await clusterOk(port);
  } catch (err) {
    await stop();
    throw err;
  }

  const portOfKey = async (key: string): Promise<number> => {
    const slot = Number(await cli(ports[0]!, 'CLUSTER', 'KEYSLOT', key));
    const shards = await cli(ports[0]!, '--json', 'CLUSTER', 'SLOTS');
    const ranges = JSON.parse(shards) as [number, number, [string, number, string]][];
    const range = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
    if (!range) throw new Error(`slot ${slot} is not served`);
    return range[2][1];
  };

  return {
    ports,
    nodesSetting: ports.map((p) => `127.0.0.1:${p}`).join(','),
    portOfKey,
    async shardSubscribers(channel) {
      const port = await portOfKey(channel);
      const reply = await cli(port, 'PUBSUB', 'SHARDNUMSUB', channel);
      return Number(reply.split('\n')[1] ?? 0);
    },
    async restartNode(port) {
      const child = children.get(port);
      if (!child) throw new Error(`no node on ${port}`);
      await new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      await startNode(port);
      for (const p of ports) await clusterOk(p);
    },
    stop,
  };
}
