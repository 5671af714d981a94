import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change } from '../../../src/shared/model.ts';
import { compactFeed } from '../../../src/server/store/feed-compaction.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import type { ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Bounded feeds: past its limit a user's feed is compacted to one entry per conversation, and every
 * device still ends with everything — at no cost for a device that was up to date.
 */

const DB = 24;
const started = useGateway({ db: DB });
const { redis } = started;

type Page = { changes: Change[]; cursor: string; hasMore: boolean };

/** Pulls every page from `cursor`; answers the changes and the last cursor. */
async function pullAll(api: ApiClient, cursor?: string): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  let at = cursor;
  for (;;) {
    const query = at === undefined ? '?limit=7' : `?limit=7&cursor=${encodeURIComponent(at)}`;
    const page = (await api.get(`/api/sync/pull${query}`)).body as Page;
    changes.push(...page.changes);
    at = page.cursor;
    if (!page.hasMore) return { changes, cursor: at };
  }
}

const messageBodies = (changes: Change[]) => new Set(changes.flatMap((c) => (c.type === 'message' ? [c.message.body] : [])));

describe('feed compaction', () => {
  it('bounds the feed; an up-to-date cursor gets nothing again, a behind or fresh one gets everything', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversations = [newId(), newId(), newId()];
    for (const conversationId of conversations) {
      await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id], title: 't' } }]);
    }
    const sent: string[] = [];
    const say = async (round: number) => {
      for (const conversationId of conversations) {
        const messageId = newId();
        sent.push(`m${round}-${conversationId}`);
        await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: sent.at(-1) } }]);
      }
    };
    // Karim's feed gains entries at each of his pulls (the pull records what changed since).
    let behind = '';
    let upToDate = '';
    for (let round = 0; round < 6; round++) {
      await say(round);
      upToDate = (await pullAll(karim.api, upToDate || undefined)).cursor;
      if (round === 2) behind = upToDate;
    }
    const length = await redis.xlen(KEYS.userFeed(karim.user.id));
    expect(length).toBeGreaterThan(10);

    expect(await compactFeed(redis, karim.user.id, 10)).toBe(length);
    expect(await redis.xlen(KEYS.userFeed(karim.user.id))).toBe(conversations.length);
    expect(await compactFeed(redis, karim.user.id, 10)).toBe(0); // under the limit now

    expect((await pullAll(karim.api, upToDate)).changes).toEqual([]);
    const caughtUp = await pullAll(karim.api, behind);
    expect(messageBodies(caughtUp.changes)).toEqual(new Set(sent));
    const fresh = await pullAll(karim.api);
    expect(messageBodies(fresh.changes)).toEqual(new Set(sent));
    expect(fresh.changes.filter((c) => c.type === 'conversation')).toHaveLength(conversations.length);

    // New changes after the compaction reach every cursor once.
    await say(6);
    const last = new Set(sent.slice(-conversations.length));
    expect(messageBodies((await pullAll(karim.api, upToDate)).changes)).toEqual(last);
    expect(messageBodies((await pullAll(karim.api, caughtUp.cursor)).changes)).toEqual(last);
  });
});
