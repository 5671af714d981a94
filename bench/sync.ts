import { performance } from 'node:perf_hooks';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { Redis } from 'ioredis';
import { openSession, SESSION_COOKIE } from '../src/server/auth/sessions.ts';
import { appendMessage, createConversation } from '../src/server/store/conversations.ts';
import { createUser } from '../src/server/store/users.ts';
import { newId } from '../src/shared/ids.ts';
import { LIMITS } from '../src/shared/limits.ts';
import type { User } from '../src/shared/model.ts';
import { RelaisDb } from '../src/sw/store/db.ts';
import { enqueueMessage } from '../src/sw/sync/outbox.ts';
import { SyncEngine } from '../src/sw/sync/engine.ts';
import { freePort } from './lib/proc.ts';
import { startBenchRedis } from './lib/redis-server.ts';
import { spawnTs, stopChild, waitForLine } from './lib/spawn.ts';

/** The benches' sessions: an hour, sliding and absolute. */
const BENCH_SESSION = { ttlSeconds: 3_600, maxAgeSeconds: 3_600 };

export interface SyncResult {
  pullMessages: number;
  pullSeconds: number;
  /** The same pages fetched over HTTP and parsed, without storing them: the server's share. */
  pullHttpOnlySeconds: number;
  flushMessages: number;
  flushSeconds: number;
  /** The same number of messages pushed over HTTP in batches of the outbox's size, without a device store: the server's share. */
  flushHttpOnlySeconds: number;
}

/**
 * Sync, with the real service-worker modules in Node (fake-indexeddb) against a gateway process on
 * a managed redis-server (appendfsync always): pulling `pullCount` messages into a fresh device
 * store, and flushing an outbox of `flushCount` messages.
 */
export async function runSync(options: { pullCount: number; flushCount: number }): Promise<SyncResult> {
  const redisServer = await startBenchRedis('always');
  const redis = new Redis(redisServer.url);
  const port = await freePort();
  const gateway = spawnTs('src/server/main.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    RELAIS_DEMO: '0',
    LOG_LEVEL: 'warn',
    // One user flushes a whole outbox: the abuse limits still run (their cost is measured), never bite.
    RELAIS_RATE_LIMIT_SCALE: '1000',
  });
  try {
    await waitForLine(gateway, /listening/);
    const baseUrl = `http://127.0.0.1:${port}`;
    const make = async (name: string): Promise<User> => {
      const created = await createUser(redis, { username: name, password: 'bench-password', displayName: name, role: 'doctor' });
      if (!created.ok) throw new Error('user not created');
      return created.user;
    };
    const [anne, karim] = [await make('sync.anne'), await make('sync.karim')];
    const conversationId = newId();
    await createConversation(redis, anne.id, newId(), { conversationId, participantIds: [karim.id], title: 'Sync' });
    for (let start = 0; start < options.pullCount; start += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, options.pullCount - start) }, (_, i) => {
          const messageId = newId();
          return appendMessage(redis, anne.id, messageId, { conversationId, messageId, body: `message ${start + i}` });
        }),
      );
    }

    const device = async (user: User) => {
      const cookie = `${SESSION_COOKIE}=${await openSession(redis, user.id, BENCH_SESSION)}`;
      const db = new RelaisDb(user.id, { indexedDB: new IDBFactory(), IDBKeyRange });
      const engine = new SyncEngine({
        db,
        fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie, origin: baseUrl } }),
        baseUrl,
        deviceId: newId(),
        userId: user.id,
        user,
        broadcast: () => undefined,
      });
      await engine.init();
      return { db, engine };
    };

    const reader = await device(karim);
    const readerCookie = `${SESSION_COOKIE}=${await openSession(redis, karim.id, BENCH_SESSION)}`;
    let t0 = performance.now();
    for (let cursor = '', more = true; more; ) {
      const page = (await (
        await fetch(`${baseUrl}/api/sync/pull?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { cookie: readerCookie } })
      ).json()) as { cursor: string; hasMore: boolean };
      cursor = page.cursor;
      more = page.hasMore;
    }
    const pullHttpOnlySeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await reader.engine.pull();
    await reader.engine.whenIdle();
    const pullSeconds = (performance.now() - t0) / 1000;
    const pulled = await reader.db.messages.count();
    if (pulled < options.pullCount) throw new Error(`pulled ${pulled} of ${options.pullCount}`);

    // The server's share of a flush: the same pushes (batches of LIMITS.PUSH_BATCH_MAX, one at a
    // time as the outbox sends them) without a device store, into another conversation.
    const writerCookie = `${SESSION_COOKIE}=${await openSession(redis, anne.id, BENCH_SESSION)}`;
    const httpConversationId = newId();
    await createConversation(redis, anne.id, newId(), { conversationId: httpConversationId, participantIds: [karim.id], title: 'Sync HTTP' });
    t0 = performance.now();
    for (let start = 0; start < options.flushCount; start += LIMITS.PUSH_BATCH_MAX) {
      const mutations = Array.from({ length: Math.min(LIMITS.PUSH_BATCH_MAX, options.flushCount - start) }, (_, i) => {
        const messageId = newId();
        return { id: messageId, kind: 'message.send', args: { conversationId: httpConversationId, messageId, body: `hors ligne ${start + i}` } };
      });
      const response = await fetch(`${baseUrl}/api/sync/push`, {
        method: 'POST',
        headers: { cookie: writerCookie, origin: baseUrl, 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: 'bench', mutations }),
      });
      const { results } = (await response.json()) as { results: { ok: boolean }[] };
      if (results.filter((r) => r.ok).length !== mutations.length) throw new Error('a push over HTTP was refused');
    }
    const flushHttpOnlySeconds = (performance.now() - t0) / 1000;

    const writer = await device(anne);
    for (let i = 0; i < options.flushCount; i++) {
      await enqueueMessage(
        writer.db,
        { conversationId, messageId: newId(), seq: null, senderId: anne.id, body: `hors ligne ${i}`, urgent: false, time: Date.now(), status: 'pending' },
        Date.now(),
      );
    }
    t0 = performance.now();
    await writer.engine.flush();
    await writer.engine.whenIdle();
    const flushSeconds = (performance.now() - t0) / 1000;
    const left = await writer.db.outbox.count();
    if (left > 0) throw new Error(`${left} outbox entries left after the flush`);
    reader.db.close();
    writer.db.close();
    return { pullMessages: pulled, pullSeconds, pullHttpOnlySeconds, flushMessages: options.flushCount, flushSeconds, flushHttpOnlySeconds };
  } finally {
    await stopChild(gateway);
    redis.disconnect();
    await redisServer.stop();
  }
}
