import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation } from '../../../src/shared/model.ts';
import { conversationKeys, KEYS } from '../../../src/server/store/keys.ts';
import { pull } from '../../../src/server/store/pull.ts';
import { withScripts } from '../../../src/server/store/scripts.ts';
import { type ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
const { redis } = started;

type Page = { changes: Change[]; cursor: string; hasMore: boolean } | { reset: true; cursor: string };

async function pullPage(api: ApiClient, cursor?: string, limit?: number): Promise<Page> {
  const params = new URLSearchParams();
  if (cursor !== undefined) params.set('cursor', cursor);
  if (limit !== undefined) params.set('limit', String(limit));
  const reply = await api.get(`/api/sync/pull?${params}`);
  expect(reply.status).toBe(200);
  return reply.body as Page;
}

/** Pulls page after page until hasMore is false; answers the changes and the page count. */
async function pullAll(api: ApiClient, limit: number, cursor?: string): Promise<{ changes: Change[]; pages: number; cursor: string }> {
  const changes: Change[] = [];
  let pages = 0;
  for (;;) {
    const page = await pullPage(api, cursor, limit);
    if ('reset' in page) throw new Error('unexpected reset');
    pages += 1;
    expect(page.changes.length).toBeLessThanOrEqual(limit);
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return { changes, pages, cursor };
  }
}

async function twoPeople() {
  const anne = await started.signIn();
  const karim = await started.signIn();
  const [created] = await anne.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.user.id] } },
  ]);
  const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
  return { anne, karim, conversationId };
}

function sendMutation(conversationId: string, body: string) {
  const messageId = newId();
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } };
}

const seqsOf = (changes: Change[]) => changes.flatMap((c) => (c.type === 'message' ? [c.message.seq] : []));

describe('GET /api/sync/pull', () => {
  it('pages through more changes than the limit with hasMore, each change once and in order', async () => {
    const { anne, karim, conversationId } = await twoPeople();
    await anne.api.push(Array.from({ length: 25 }, (_, i) => sendMutation(conversationId, `m${i + 1}`)));
    const { changes, pages } = await pullAll(karim.api, 7);
    expect(changes[0]?.type).toBe('conversation');
    expect(seqsOf(changes)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(changes).toHaveLength(26);
    expect(pages).toBe(4);
  });

  it('answers nothing new with the last cursor, then only what came after it', async () => {
    const { anne, karim, conversationId } = await twoPeople();
    await anne.api.push([sendMutation(conversationId, 'avant')]);
    const first = await pullAll(karim.api, 100);
    const empty = await pullPage(karim.api, first.cursor);
    expect(empty).toMatchObject({ changes: [], hasMore: false, cursor: first.cursor });
    await anne.api.push([sendMutation(conversationId, 'après')]);
    const next = await pullPage(karim.api, first.cursor);
    expect('changes' in next && next.changes.map((c) => c.type === 'message' && c.message.body)).toEqual(['après']);
  });

  it('repairs a fanout that never happened (gateway stopped after the script) and cuts a long entry across pages', async () => {
    const { karim, anne, conversationId } = await twoPeople();
    await pullAll(karim.api, 100);
    const before = await pullAll(karim.api, 100);
    // Append straight through the script, as a gateway that died before its fanout would have.
    const scripts = withScripts(redis);
    for (let i = 1; i <= 11; i++) {
      const messageId = newId();
      const head = `{"conversationId":"${conversationId}","messageId":"${messageId}","senderId":"${anne.user.id}","body":"lost ${i}","urgent":false`;
      await scripts.relaisAppendMessage(...conversationKeys(conversationId), anne.user.id, messageId, head);
    }
    const after = await pullAll(karim.api, 4, before.cursor);
    expect(seqsOf(after.changes)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(after.pages).toBe(3);
    const again = await pullPage(karim.api, after.cursor);
    expect(again).toMatchObject({ changes: [], hasMore: false });
  });

  it('answers reset with a fresh cursor when the store lost its epoch', async () => {
    const { karim, anne, conversationId } = await twoPeople();
    await anne.api.push([sendMutation(conversationId, 'un')]);
    const { cursor } = await pullAll(karim.api, 100);
    await redis.del('relais:epoch');
    const reset = await pullPage(karim.api, cursor);
    expect(reset).toMatchObject({ reset: true });
    expect(reset.cursor).not.toBe(cursor);
    expect(reset.cursor.endsWith('.0-0.0')).toBe(true);
    const resync = await pullAll(karim.api, 100, reset.cursor);
    expect(seqsOf(resync.changes)).toEqual([1]);
  });

  it.each([
    ['a stream id part past 2^64', (epoch: string) => `${epoch}.99999999999999999999-0.0`],
    ['a sequence past 2^64', (epoch: string) => `${epoch}.1-99999999999999999999.0`],
    ['a partial version past a safe integer', (epoch: string) => `${epoch}.0-0.99999999999999999`],
    ['no cursor shape at all', () => 'not-a-cursor'],
  ])('answers a reset to a cursor with %s, then delivers everything from the start', async (_name, forge) => {
    const { karim, anne, conversationId } = await twoPeople();
    await anne.api.push([sendMutation(conversationId, 'un')]);
    const { cursor } = await pullAll(karim.api, 100);
    const epoch = cursor.split('.')[0] as string;
    const reset = await pullPage(karim.api, forge(epoch));
    expect(reset).toEqual({ reset: true, cursor: `${epoch}.0-0.0` });
    const resync = await pullAll(karim.api, 100, reset.cursor);
    expect(seqsOf(resync.changes)).toEqual([1]);
  });

  it('refuses a push carrying a malformed cursor with a reset, applying nothing', async () => {
    const { anne, conversationId } = await twoPeople();
    const { cursor } = await pullAll(anne.api, 100);
    const epoch = cursor.split('.')[0] as string;
    const reply = await anne.api.request('POST', '/api/sync/push', {
      body: { deviceId: 'd', cursor: `${epoch}.99999999999999999999-0.0`, mutations: [sendMutation(conversationId, 'jamais')] },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ results: [], reset: true });
    const history = await anne.api.get(`/api/conversations/${conversationId}/messages`);
    expect(history.body).toEqual({ messages: [] });
  });

  it('delivers nothing of a feed entry a forged partial version says was delivered, and no more than the limit', async () => {
    const { karim, anne, conversationId } = await twoPeople();
    const before = await pullAll(karim.api, 100);
    await anne.api.push(Array.from({ length: 3 }, (_, i) => sendMutation(conversationId, `m${i}`)));
    const [epoch, feedId] = before.cursor.split('.') as [string, string];
    const page = await pullPage(karim.api, `${epoch}.${feedId}.999999`, 2);
    expect('changes' in page && page.changes).toEqual([]);
  });

  it('shows nobody the changes of conversations they are not in', async () => {
    const { conversationId, anne } = await twoPeople();
    await anne.api.push([sendMutation(conversationId, 'secret')]);
    const outsider = await started.signIn();
    const { changes } = await pullAll(outsider.api, 100);
    expect(changes).toEqual([]);
  });

  it('reads the feed entries of a conversation that follow each other with one log read, each change once and in order at any page size', async () => {
    const { anne, karim, conversationId: first } = await twoPeople();
    const [group] = await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.user.id, (await started.signIn()).user.id], title: 'Staff' } },
    ]);
    const second = (group?.result as { conversation: Conversation }).conversation.id;
    // Karim's phone pulls after each message (the feed is fanned out at a pull): a feed entry per
    // message, the two conversations interleaved, for his tablet to read from the start.
    for (const [conversationId, count] of [[first, 3], [second, 2], [first, 4], [second, 1], [first, 2]] as const) {
      for (let i = 0; i < count; i++) {
        await anne.api.push([sendMutation(conversationId, `${conversationId.slice(-4)} ${i}`)]);
        await pullPage(karim.api);
      }
    }
    const whole = await pullAll(karim.api, 1000);
    const order = (changes: Change[]) => changes.map((c) => (c.type === 'message' ? `${c.message.conversationId}:${c.message.seq}` : c.type));
    expect(order(whole.changes).filter((key) => key.startsWith(first))).toEqual(Array.from({ length: 9 }, (_, i) => `${first}:${i + 1}`));
    expect(order(whole.changes).filter((key) => key.startsWith(second))).toEqual([1, 2, 3].map((seq) => `${second}:${seq}`));
    for (const limit of [1, 2, 3, 4, 5, 7]) expect(order((await pullAll(karim.api, limit)).changes)).toEqual(order(whole.changes));

    // The commands of one pull: the feed's page and, per run of one conversation's entries, one log read.
    const counted = { xrange: 0, hget: 0 };
    const counting = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === 'pipeline') {
          return () =>
            new Proxy(target.pipeline(), {
              get(pipeline, name) {
                const value = Reflect.get(pipeline, name) as unknown;
                if (typeof value !== 'function') return value;
                return (...args: unknown[]) => {
                  // The join floors (`<user>:jv`), not the repair's reads of each conversation's version.
                  if (name === 'xrange' || (name === 'hget' && String(args[1]).endsWith(':jv'))) counted[name as 'xrange' | 'hget'] += 1;
                  return (value as (...a: unknown[]) => unknown).apply(pipeline, args);
                };
              },
            });
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const direct = await pull(counting, karim.user.id, undefined, 1000);
    expect('changes' in direct && order(direct.changes)).toEqual(order(whole.changes));
    const feed = await redis.xlen(KEYS.userFeed(karim.user.id));
    expect(feed).toBeGreaterThanOrEqual(12);
    // One join floor per conversation and one log read per conversation (its entries follow each
    // other in its log), where there was one of each per feed entry.
    expect(counted.hget).toBe(2);
    expect(counted.xrange).toBe(2);
  });
});
