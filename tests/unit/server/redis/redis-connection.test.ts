import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/server/config.ts';
import { parseClusterNodes } from '../../../../src/server/redis/redis-connection.ts';

describe('REDIS_CLUSTER_NODES', () => {
  it('parses host:port seed nodes, ignoring blanks and spaces', () => {
    expect(parseClusterNodes(' 127.0.0.1:7000, 10.0.0.2:7001 ,,[::1]:7002')).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it('refuses an entry without a valid port', () => {
    expect(() => parseClusterNodes('127.0.0.1')).toThrow(/host:port/);
    expect(() => parseClusterNodes('127.0.0.1:99999')).toThrow(/host:port/);
    expect(() => parseClusterNodes(':7000')).toThrow(/host:port/);
  });

  it('is read into the gateway configuration, and left undefined when unset', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }).redisClusterNodes).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
    ]);
    expect(loadConfig({}).redisClusterNodes).toBeUndefined();
  });
});
