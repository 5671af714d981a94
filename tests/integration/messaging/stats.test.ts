import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { StatsReply } from '../../../src/shared/http.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import { trimConversation } from '../../../src/server/messaging/retention.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { median, readStatsTail, responseDelays, STATS_DAYS, STATS_WINDOW, userStats } from '../../../src/server/store/stats.ts';
import { useGateway } from '../fixture.ts';

/**
 * `GET /api/stats` reads only the part of each conversation log it needs (unread or from the last 30
 * days) instead of the whole log; these tests hold it to a full scan of the log, the way it was
 * computed before, on conversations whose messages span months.
 */

const DB = 6;
const DAY = 24 * 60 * 60 * 1000;

const started = useGateway({ db: DB });
const { redis } = started;

/** The statistics from a scan of every conversation's whole log: the reference. */
async function fullScanStats(userId: string, now: number): Promise<StatsReply> {
  const since = now - STATS_DAYS * DAY;
  const ids = await redis.smembers(KEYS.userConvs(userId));
  let sent = 0;
  let received = 0;
  let unread = 0;
  let active = 0;
  let archived = 0;
  const delays: number[] = [];
  for (const id of ids) {
    const log = await redis.xrange(KEYS.convLog(id), '-', '+');
    const readSeq = Number((await redis.hget(KEYS.convReads(id), userId)) ?? 0);
    const [archivedAt, hidden] = await redis.hmget(KEYS.convUserState(id), `${userId}:a`, `${userId}:h`);
    const hiddenUpTo = Number(hidden ?? 0);
    const messages: Message[] = [];
    for (const [, fields] of log) {
      const change = JSON.parse(fields[1] ?? 'null') as Change | null;
      if (change?.type === 'message' && change.message.seq > hiddenUpTo) messages.push(change.message);
    }
    const top = messages.at(-1)?.seq ?? 0;
    if (hiddenUpTo > 0 && top <= hiddenUpTo) continue;
    if (archivedAt !== null && top <= Number(archivedAt)) archived += 1;
    else active += 1;
    for (const message of messages) {
      if (message.kind === 'system') continue;
      if (message.senderId !== userId && message.seq > readSeq) unread += 1;
      if (message.serverTime < since) continue;
      if (message.senderId === userId) sent += 1;
      else received += 1;
    }
    delays.push(...responseDelays(messages.filter((m) => m.serverTime >= since), userId));
  }
  const med = median(delays);
  return {
    days: STATS_DAYS,
    sent,
    received,
    unread,
    activeConversations: active,
    archivedConversations: archived,
    medianResponseSeconds: med === null ? null : Math.round(med / 1000),
  };
}

/**
 * Writes a conversation log by hand, entry for entry as the scripts of src/server/store write it,
 * but with chosen server times (the scripts take Redis's clock, which a test cannot move back).
 */
class SeededConversation {
  readonly id = newId();
  #seq = 0;
  #ver = 0;

  constructor(readonly memberIds: string[]) {}

  async create(): Promise<void> {
    const conversation = { id: this.id, kind: 'group', title: 'Seed', participants: [], createdBy: this.memberIds[0], createdAt: 0, patient: null };
    this.#ver = 1;
    await redis
      .multi()
      .sadd(KEYS.convMembers(this.id), ...this.memberIds)
      .xadd(KEYS.convLog(this.id), '1-0', 'e', JSON.stringify({ type: 'conversation', conversation }))
      .hset(KEYS.convMeta(this.id), 'conv', JSON.stringify(conversation), 'seq', 0, 'ver', 1)
      .exec();
    for (const memberId of this.memberIds) await redis.sadd(KEYS.userConvs(memberId), this.id);
  }

  /** A message at `serverTime`, as APPEND_MESSAGE (or UPDATE_GROUP for a system line) appends it. */
  async message(senderId: string, serverTime: number, options: { system?: boolean } = {}): Promise<number> {
    const seq = ++this.#seq;
    const ver = ++this.#ver;
    const message = {
      conversationId: this.id,
      messageId: newId(),
      senderId,
      body: options.system ? '' : `message ${seq}`,
      urgent: false,
      ...(options.system ? { kind: 'system', system: { type: 'participant.left', userId: senderId } } : {}),
    };
    const head = JSON.stringify(message).slice(0, -1);
    const change = `{"type":"message","message":${head},"seq":${seq},"serverTime":${serverTime}}}`;
    await redis
      .multi()
      .xadd(KEYS.convLog(this.id), `${ver}-0`, 'e', change)
      .hset(KEYS.convSeqVer(this.id), seq, ver)
      .hset(KEYS.convMeta(this.id), 'seq', seq, 'ver', ver, 'lastAt', serverTime)
      .exec();
    return seq;
  }

  /** A read marker, as MARK_READ appends it. */
  async read(userId: string, seq: number): Promise<void> {
    const ver = ++this.#ver;
    const change = JSON.stringify({ type: 'read', conversationId: this.id, userId, seq });
    await redis
      .multi()
      .hset(KEYS.convReads(this.id), userId, seq)
      .xadd(KEYS.convLog(this.id), `${ver}-0`, 'e', change)
      .hset(KEYS.convMeta(this.id), 'ver', ver)
      .exec();
  }

  /** Archive or "delete for me" at `seq`, as USER_STATE records it. */
  async userState(userId: string, state: { archivedAt?: number; hiddenUpTo?: number }): Promise<void> {
    if (state.archivedAt !== undefined) await redis.hset(KEYS.convUserState(this.id), `${userId}:a`, state.archivedAt);
    if (state.hiddenUpTo !== undefined) await redis.hset(KEYS.convUserState(this.id), `${userId}:h`, state.hiddenUpTo);
  }

  get seq(): number {
    return this.#seq;
  }
}

describe('userStats()', () => {
  it('counts sent, received and response times over the last 30 days only, and every unread message whatever its age', async () => {
    const [anne, karim] = [newId(), newId()];
    const now = Date.now();
    const conversation = new SeededConversation([anne, karim]);
    await conversation.create();
    await conversation.message(karim, now - 45 * DAY);
    await conversation.message(anne, now - 40 * DAY);
    const read = await conversation.message(karim, now - 31 * DAY);
    await conversation.message(karim, now - 29 * DAY);
    await conversation.message(anne, now - 2 * DAY);
    await conversation.message(karim, now - DAY);

    const stats = await userStats(redis, anne, now);
    expect(stats).toEqual({
      days: 30,
      sent: 1,
      received: 2,
      // Karim's four messages, the two older than 30 days included: unread is unread.
      unread: 4,
      activeConversations: 1,
      archivedConversations: 0,
      // Karim at -29 days, Anne's answer at -2 days; the exchange at -45/-40 days is out of the window.
      medianResponseSeconds: (27 * DAY) / 1000,
    });
    expect(stats).toEqual(await fullScanStats(anne, now));

    await conversation.read(anne, read);
    expect(await userStats(redis, anne, now)).toMatchObject({ unread: 2, sent: 1, received: 2 });
    expect(await userStats(redis, karim, now)).toEqual(await fullScanStats(karim, now));
    // Thirty days later everything has left the window, but Anne still has two unread messages.
    const later = await userStats(redis, anne, now + 30 * DAY);
    expect(later).toEqual(await fullScanStats(anne, now + 30 * DAY));
    expect(later).toMatchObject({ unread: 2, sent: 0, received: 0, medianResponseSeconds: null });
  });

  it('reads only the tail of a long log: entries before the window and the read marker are never returned', async () => {
    const [anne, karim] = [newId(), newId()];
    const now = Date.now();
    const conversation = new SeededConversation([anne, karim]);
    await conversation.create();
    // 400 old messages, all read, then 3 recent ones.
    for (let i = 0; i < 400; i++) await conversation.message(i % 2 === 0 ? karim : anne, now - 90 * DAY + i * 60_000);
    await conversation.read(anne, conversation.seq);
    for (let i = 0; i < 3; i++) await conversation.message(karim, now - DAY + i * 60_000);
    const stats = await userStats(redis, anne, now);
    expect(stats).toEqual(await fullScanStats(anne, now));
    expect(stats).toMatchObject({ received: 3, sent: 0, unread: 3 });
    // What the script sends back: the three recent messages only (the read marker sits before them).
    const tail = await readStatsTail(redis, conversation.id, anne, now - 30 * DAY);
    expect(tail).toMatchObject({ readSeq: 400, lastSeq: 403, hiddenUpToSeq: 0, archivedAtSeq: null });
    expect(tail.entries.map(([id]) => id)).toEqual(['403-0', '404-0', '405-0']);
    // Unread messages are kept however old they are: Karim has not read anything Anne sent.
    const karimTail = await readStatsTail(redis, conversation.id, karim, now - 30 * DAY);
    expect(karimTail.entries[0]?.[0]).toBe('2-0');
  });

  it('reads at most the window of newest entries per conversation, counting older unread messages by seq', async () => {
    const [anne, karim] = [newId(), newId()];
    const now = Date.now();
    const conversation = new SeededConversation([anne, karim]);
    await conversation.create();
    // 120 recent messages from Karim, none read: without a window the script returns all of them.
    for (let i = 0; i < 120; i++) await conversation.message(karim, now - DAY + i * 60_000);
    const tail = await readStatsTail(redis, conversation.id, anne, now - 30 * DAY, 50);
    expect(tail.entries).toHaveLength(50);
    expect(tail.entries[0]?.[0]).toBe('72-0'); // the newest 50 (versions 72..121), oldest first
    expect(tail.windowFull).toBe(true);
    const stats = await userStats(redis, anne, now, 50);
    // Counted on the window; every unread message still counted (70 of them by seq alone).
    expect(stats).toMatchObject({ received: 50, unread: 120 });
    expect(STATS_WINDOW).toBe(5_000);
    expect(await userStats(redis, anne, now)).toEqual(await fullScanStats(anne, now));
  });

  it('equals a full scan of the logs on random conversations (ages, senders, read markers, archive, delete for me, retention)', async () => {
    const now = Date.now();
    const entry = fc.record({
      sender: fc.integer({ min: 0, max: 2 }),
      /** Minutes since the previous entry (the log spans up to ~70 days). */
      gapMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
      system: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      readBy: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entry, { maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        fc.record({
          archived: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
          hidden: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
          retentionDays: fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
          /** The 30-day cutoff falls next to this entry's time (mod the entries), give or take the offset. */
          cutNear: fc.nat(),
          cutOffsetMs: fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -3 * 60 * 60_000, max: 3 * 60 * 60_000 })),
        }),
        async (conversations, options) => {
          const users = [newId(), newId(), newId()];
          const times: number[] = [];
          for (const entries of conversations) {
            const conversation = new SeededConversation(users);
            await conversation.create();
            const total = entries.reduce((sum, e) => sum + e.gapMinutes, 0);
            let time = now - total * 60_000;
            for (const e of entries) {
              time += e.gapMinutes * 60_000;
              times.push(time);
              const seq = await conversation.message(users[e.sender] as string, time, { system: e.system });
              if (e.readBy !== undefined) await conversation.read(users[e.readBy] as string, seq);
            }
            const user = users[0] as string;
            if (options.archived !== undefined) await conversation.userState(user, { archivedAt: Math.min(options.archived, conversation.seq) });
            if (options.hidden !== undefined) await conversation.userState(user, { hiddenUpTo: Math.min(options.hidden, conversation.seq) });
            if (options.retentionDays !== undefined) await trimConversation(redis, conversation.id, now - options.retentionDays * DAY);
          }
          const near = times.length === 0 ? now : (times[options.cutNear % times.length] as number);
          const at = near + STATS_DAYS * DAY + options.cutOffsetMs;
          for (const user of users) expect(await userStats(redis, user, at)).toEqual(await fullScanStats(user, at));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('GET /api/stats', () => {
  it('answers the statistics of the signed-in user from the conversations they are in', async () => {
    const { api: anne, user } = await started.signIn();
    const conversation = new SeededConversation([user.id, newId()]);
    await conversation.create();
    await conversation.message(conversation.memberIds[1] as string, Date.now() - 35 * DAY);
    await conversation.message(conversation.memberIds[1] as string, Date.now() - 3 * DAY);
    const reply = await anne.get('/api/stats');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ days: 30, sent: 0, received: 1, unread: 2, activeConversations: 1, archivedConversations: 0, medianResponseSeconds: null });
  });
});
