import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../../src/server/abuse/rate-limits.ts';
import { sessionKey } from '../../../src/server/auth/sessions.ts';
import { appendMessage } from '../../../src/server/store/conversations.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { ApiClient, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * The sender's message allowance checked inside the append script (ALLOWANCE in
 * store/lua/fragments.ts), so that a push of messages from a known session waits one round trip
 * instead of two (messaging/send-limits.ts, applyWithAllowance). What a hostile sender could try:
 * more messages than the allowance by pushing many requests at once, from two gateways, or by
 * landing between the take and the append.
 */

const DB = 8;
const LIMIT = 3;
const LIMITS: RateLimits = { ...DEFAULT_RATE_LIMITS, message: { user: { points: LIMIT, seconds: 60 } } };

const started = useGateway({ db: DB, rateLimits: LIMITS });

type Result = { id: string; ok: boolean; error?: { code: string; retryAfterMs?: number } };

function send(conversationId: string, body: string) {
  const messageId = newId();
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } };
}

const allowanceKey = (userId: string) => `relais:rl:message:${userId}`;

describe('the allowance in the append script', () => {
  it('writes a message only while its place in the batch fits, and refuses when the window has ended', async () => {
    const { anne, conversationId } = await started.pair();
    const session = { key: sessionKey(anne.api.cookie.split('=')[1]) as string, ttlSeconds: 3600 };
    const key = allowanceKey(anne.user.id);
    const append = (at: number, count: number) => {
      const message = send(conversationId, `place ${at} of ${count}`);
      return appendMessage(started.redis, anne.user.id, message.id, message.args, { session, allowance: { key, max: LIMIT, count, at } });
    };
    const logLength = () => started.redis.xlen(KEYS.convLog(conversationId));
    const before = await logLength();

    // The window ended between the take and the append (the key is gone): refused, nothing written.
    await started.redis.del(key);
    expect(await append(1, 1)).toEqual({ ok: false, code: 'rate_limited' });

    // A take of 2 brought the count to 4 of 3: the first of the two fits (4 − 2 + 1 = 3), the second does not.
    await started.redis.set(key, '4', 'EX', 60);
    expect((await append(1, 2)).ok).toBe(true);
    expect(await append(2, 2)).toEqual({ ok: false, code: 'rate_limited' });
    // Another push of the same user took more in between: what no longer fits is refused.
    await started.redis.set(key, '6', 'EX', 60);
    expect(await append(1, 2)).toEqual({ ok: false, code: 'rate_limited' });
    expect(await logLength()).toBe(before + 1);
  });

  it('takes the whole batch in its first script, as the rate limiter would, and counts a take over the allowance', async () => {
    const { anne, conversationId } = await started.pair();
    const session = { key: sessionKey(anne.api.cookie.split('=')[1]) as string, ttlSeconds: 3600 };
    const key = allowanceKey(anne.user.id);
    const append = (at: number, count: number, take: number) => {
      const message = send(conversationId, `place ${at} of ${count}`);
      return appendMessage(started.redis, anne.user.id, message.id, message.args, { session, allowance: { key, max: LIMIT, count, at, take, seconds: 60 } });
    };
    await started.redis.del(key);
    // The first script of a batch of two takes both: the window starts with its expiry.
    expect((await append(1, 2, 2)).ok).toBe(true);
    expect(await started.redis.get(key)).toBe('2');
    const ttl = await started.redis.pttl(key);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // The second only reads its place.
    expect((await append(2, 2, 0)).ok).toBe(true);
    expect(await started.redis.get(key)).toBe('2');
    // A batch of two more: the first fits (3 of 3), the second not; the take counts in full.
    expect((await append(1, 2, 2)).ok).toBe(true);
    expect(await append(2, 2, 0)).toEqual({ ok: false, code: 'rate_limited' });
    expect(await started.redis.get(key)).toBe('4');
    // The same window: the take did not move its end.
    expect(await started.redis.pttl(key)).toBeLessThanOrEqual(ttl);
  });

  it('answers a refused push with the wait, and the next push is refused as well', async () => {
    const { anne, conversationId } = await started.pair();
    await started.redis.del(allowanceKey(anne.user.id));
    // The session is known to the gateway from here on (the one-round-trip path).
    expect(await anne.api.get('/api/me')).toMatchObject({ status: 200 });
    const first = (await anne.api.push([send(conversationId, 'a'), send(conversationId, 'b'), send(conversationId, 'c'), send(conversationId, 'd')])) as Result[];
    expect(first.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(first[3]?.error).toMatchObject({ code: 'rate_limited' });
    expect(first[3]?.error?.retryAfterMs).toBeGreaterThan(50_000);
    const second = (await anne.api.push([send(conversationId, 'e')])) as Result[];
    expect(second[0]?.error?.code).toBe('rate_limited');
    expect(second[0]?.error?.retryAfterMs).toBeGreaterThan(0);
  });

  it('lets no more than the allowance through when a user pushes many requests at once on two gateways', async () => {
    const other = await startGateway({ db: DB, rateLimits: LIMITS });
    try {
      const { anne, karim, conversationId } = await started.pair();
      const there = new ApiClient(other.url);
      there.cookie = anne.api.cookie;
      // Both gateways know the session first (so both take the one-round-trip path).
      expect(await there.get('/api/me')).toMatchObject({ status: 200 });
      const pushes = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? anne.api : there).push([send(conversationId, `m${i}`), send(conversationId, `n${i}`)]));
      const results = (await Promise.all(pushes)).flat() as Result[];
      const accepted = results.filter((r) => r.ok);
      expect(accepted).toHaveLength(LIMIT);
      for (const refused of results.filter((r) => !r.ok)) {
        expect(refused.error?.code).toBe('rate_limited');
        expect(refused.error?.retryAfterMs).toBeGreaterThan(0);
      }
      // Refused means not stored: the other member holds exactly the accepted ones.
      const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string; message?: { messageId: string } }[] };
      const stored = pulled.changes.flatMap((c) => (c.type === 'message' ? [c.message?.messageId] : []));
      expect(stored.sort()).toEqual(accepted.map((r) => r.id).sort());
    } finally {
      await other.close();
    }
  });
});
