import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config.ts';
import { createGateway, type Gateway } from '../../../src/server/gateway.ts';
import { startManagedRedis, type ManagedRedis } from '../../../src/server/redis/managed-redis.ts';
import { connectRedis } from '../../../src/server/redis/redis-connection.ts';

let baseDir: string;
let managed: ManagedRedis;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  baseDir = mkdtempSync(join(tmpdir(), 'relais-managed-'));
  managed = await startManagedRedis({ baseDir, fsync: 'always' });
  gateway = await createGateway(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', logLevel: 'silent', staticDir: join(baseDir, 'none') },
    { redisTarget: managed.target },
  );
  url = (await gateway.listen()).url;
});

afterAll(async () => {
  await gateway?.close();
  await managed?.stop();
  rmSync(baseDir, { recursive: true, force: true });
});

describe('managed redis-server', () => {
  it('runs append-only with fsync on every write, on a unix socket under var/redis', async () => {
    expect(managed.target).toEqual({ path: join(baseDir, 'var/redis/redis.sock') });
    const redis = connectRedis(managed.target);
    try {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    } finally {
      redis.disconnect();
    }
  });

  it('makes /readyz answer 200 while Redis answers and 503 unavailable once it is gone (/healthz stays 200)', async () => {
    expect((await fetch(url + '/readyz')).status).toBe(200);
    await managed.stop();
    const down = await fetch(url + '/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: 'unavailable', reason: 'redis_unreachable' } });
    expect((await fetch(url + '/healthz')).status).toBe(200);
  });
});
