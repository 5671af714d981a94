import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { CONVERSATION_SCRIPT_KEYS } from '../src/server/store/keys.ts';
import { startBenchRedis } from './lib/redis-server.ts';

const run = promisify(execFile);

/** Requests per second of one command, as redis-benchmark measures it. */
export interface CeilingRow {
  fsync: 'always' | 'everysec';
  command: string;
  opsPerSecond: number;
}

/** Loads the real append script (as the store defines it on a connection) and answers its SHA. */
async function appendScriptSha(redis: Redis): Promise<string> {
  const { withScripts } = await import('../src/server/store/scripts.ts');
  withScripts(redis);
  // ioredis keeps defined commands in `scriptsSet`; reading it avoids a second copy of the Lua here.
  const defined = (redis as unknown as { scriptsSet: Record<string, { lua: string } | undefined> }).scriptsSet;
  const lua = defined.relaisAppendMessage?.lua;
  if (!lua) throw new Error('append script not found');
  return (await redis.script('LOAD', lua)) as string;
}

/**
 * The ceiling: redis-benchmark on a fresh redis-server (append-only, each fsync policy) for the
 * commands a message costs — XADD, EVALSHA of the append script (one 10-member conversation,
 * random mutation ids so each call appends, publishing on a live channel as the gateway's does),
 * PUBLISH and SPUBLISH.
 */
export async function runCeiling(options: { requests: number; clients: number }): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for (const fsync of ['always', 'everysec'] as const) {
    const server = await startBenchRedis(fsync);
    try {
      const redis = new Redis(server.url);
      const sha = await appendScriptSha(redis);
      const conv = 'bench-ceiling';
      const keys = CONVERSATION_SCRIPT_KEYS.map((k) => `{c:${conv}}:${k}`);
      await redis.sadd(keys[1] as string, 'sender', ...Array.from({ length: 9 }, (_, i) => `member${i}`));
      await redis.hset(keys[0] as string, 'seq', 0, 'ver', 1, 'idx', 1);
      redis.disconnect();
      // A new message id each call too: an id is taken once per conversation.
      const head = '{"conversationId":"bench-ceiling","messageId":"m__rand_int__","senderId":"sender","body":"bench message 1234","urgent":false';
      const commands: [string, string[]][] = [
        ['XADD', ['xadd', 'bench:stream', '*', 'e', 'bench message 1234']],
        // As the gateway calls it on a single Redis: the script also publishes the change live.
        ['EVALSHA append', ['evalsha', sha, String(keys.length), ...keys, 'sender', 'm__rand_int__', head, '', 'relais:live:{0}']],
        ['PUBLISH', ['publish', 'relais:live', 'bench message 1234']],
        ['SPUBLISH', ['spublish', 'relais:live:{0}', 'bench message 1234']],
      ];
      for (const [name, args] of commands) {
        const { stdout } = await run('redis-benchmark', [
          '-p', String(server.port), '-n', String(options.requests), '-c', String(options.clients), '-r', '1000000000', '--csv', ...args,
        ]);
        // CSV: the test name (which may hold commas and quotes) then 7 numbers, rps first of them.
        const fields = (stdout.trim().split('\n').pop() ?? '').split('","');
        const ops = Number(fields[fields.length - 7]);
        rows.push({ fsync, command: name, opsPerSecond: Math.round(ops) });
      }
    } finally {
      await server.stop();
    }
  }
  return rows;
}
