import { mkdtemp, rm } from 'node:fs/promises';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import type { LocalMessage } from '../../../src/shared/local-model.ts';
import type { FetchLike } from '../../../src/shared/api-client.ts';
import type { SwReply } from '../../../src/shared/sw-requests.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../../src/server/abuse/rate-limits.ts';
import { SESSION_COOKIE } from '../../../src/server/auth/sessions.ts';
import { handleRequest } from '../../../src/sw/router.ts';
import { SwContext } from '../../../src/sw/session/context.ts';
import { addUser, ApiClient, LiveClient, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Abuse limits, per user (in Redis, so across gateways) and per socket: over the limit an action is
 * refused with `rate_limited` and the wait (`Retry-After`, `retryAfterMs`); under it, nothing changes.
 */

const DB = 17;
const WINDOW = 60;
/** Small limits, so a test reaches them in a few requests. */
const LIMITS: RateLimits = {
  message: { user: { points: 3, seconds: WINDOW } },
  urgent: { user: { points: 1, seconds: WINDOW } },
  upload: { user: { points: 2, seconds: WINDOW } },
  typing: { socket: { points: 2, seconds: WINDOW }, user: { points: 3, seconds: WINDOW } },
  presence: { socket: { points: 2, seconds: WINDOW }, user: { points: 3, seconds: WINDOW } },
  callInvite: { socket: { points: 5, seconds: WINDOW }, user: { points: 2, seconds: WINDOW } },
  export: { user: { points: 2, seconds: WINDOW } },
  careTeamLookup: { user: { points: 2, seconds: WINDOW } },
  urgentList: { user: { points: 2, seconds: WINDOW } },
};

let blobDir: string;
beforeAll(async () => {
  blobDir = await mkdtemp(join(tmpdir(), 'relais-limits-'));
});
afterAll(async () => {
  await rm(blobDir, { recursive: true, force: true });
});

const started = useGateway({ db: DB, rateLimits: LIMITS }, () => ({ blobDir }));

type Result = { id: string; ok: boolean; error?: { code: string; retryAfterMs?: number } };

function send(conversationId: string, body: string, options: { urgent?: boolean } = {}) {
  const messageId = newId();
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body, ...options } };
}

const codes = (results: Result[]): (string | true)[] => results.map((r) => (r.ok ? true : (r.error?.code ?? '?')));

function expectWait(ms: number | undefined): void {
  expect(ms).toBeGreaterThan(0);
  expect(ms).toBeLessThanOrEqual(WINDOW * 1000);
}

describe('message sends (per user)', () => {
  it('accepts sends up to the limit and refuses the rest of the batch item by item, with the wait', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const results = (await anne.api.push([1, 2, 3, 4, 5].map((n) => send(conversationId, `m${n}`)))) as Result[];
    expect(codes(results)).toEqual([true, true, true, 'rate_limited', 'rate_limited']);
    expectWait(results[3]?.error?.retryAfterMs);
    // Refused means not stored: the other member has three messages.
    const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string }[] };
    expect(pulled.changes.filter((c) => c.type === 'message')).toHaveLength(3);
    // A refused send is refused again while the window lasts; another user is not concerned.
    expect(codes((await anne.api.push([send(conversationId, 'again')])) as Result[])).toEqual(['rate_limited']);
    expect(codes((await karim.api.push([send(conversationId, 'ok')])) as Result[])).toEqual([true]);
  });

  it('holds across gateways: a user cannot double the limit by using two', async () => {
    const other = await startGateway({ db: DB, rateLimits: LIMITS });
    try {
      const { anne, conversationId } = await started.pair();
      const there = new ApiClient(other.url);
      there.cookie = anne.api.cookie;
      expect(codes((await anne.api.push([send(conversationId, 'a'), send(conversationId, 'b')])) as Result[])).toEqual([true, true]);
      expect(codes((await there.push([send(conversationId, 'c'), send(conversationId, 'd')])) as Result[])).toEqual([true, 'rate_limited']);
      expect(codes((await anne.api.push([send(conversationId, 'e')])) as Result[])).toEqual(['rate_limited']);
    } finally {
      await other.close();
    }
  });

  it('limits urgent flags on their own, and keeps the sender\'s order: what follows a refused message waits too', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const results = (await anne.api.push([
      send(conversationId, 'Urgent 1', { urgent: true }),
      send(conversationId, 'Urgent 2', { urgent: true }),
      send(conversationId, 'Suite'),
      { id: newId(), kind: 'read.mark', args: { conversationId, seq: 1 } },
    ])) as Result[];
    expect(codes(results)).toEqual([true, 'rate_limited', 'rate_limited', true]);
    expectWait(results[1]?.error?.retryAfterMs);
    expectWait(results[2]?.error?.retryAfterMs);
    const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string; message?: { body: string } }[] };
    expect(pulled.changes.flatMap((c) => (c.type === 'message' ? [c.message?.body] : []))).toEqual(['Urgent 1']);
  });

  it('lets a burst of 20 messages through at the default limits', async () => {
    const defaults = await startGateway({ db: DB, rateLimits: DEFAULT_RATE_LIMITS });
    try {
      const { anne, conversationId } = await started.pair();
      const api = new ApiClient(defaults.url);
      api.cookie = anne.api.cookie;
      const burst = (await api.push(Array.from({ length: 20 }, (_, i) => send(conversationId, `m${i}`)))) as Result[];
      expect(burst.every((r) => r.ok)).toBe(true);
      expect(codes((await api.push([send(conversationId, 'one more')])) as Result[])).toEqual([true]);
    } finally {
      await defaults.close();
    }
  });
});

describe('uploads (per user)', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 1, 2, 3]);
  async function upload(api: ApiClient, conversationId: string) {
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'photo.png');
    const response = await fetch(`${api.baseUrl}/api/attachments?conversationId=${conversationId}`, {
      method: 'POST',
      headers: { cookie: api.cookie, origin: api.baseUrl },
      body: form,
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: { code: string } } };
  }

  it('answers 429 rate_limited with Retry-After past the limit', async () => {
    const { anne, conversationId } = await started.pair();
    expect((await upload(anne.api, conversationId)).status).toBe(200);
    expect((await upload(anne.api, conversationId)).status).toBe(200);
    const refused = await upload(anne.api, conversationId);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('rate_limited');
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(WINDOW);
  });
});

describe('exports to the patient record (per user)', () => {
  it('answers 429 rate_limited with Retry-After past the limit, and a refusal before it costs nothing', async () => {
    const { anne, karim } = await started.pair();
    const conversationId = newId();
    const about = { nationalId: '180017512345678', displayName: 'M. Test' };
    const [created] = await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id], patient: about } }]);
    expect(created?.ok).toBe(true);
    const path = `/api/conversations/${conversationId}/export/fhir`;
    // Not a member: refused before the limit is asked, so the outsider's tries do not count.
    for (let i = 0; i < 3; i++) expect((await karim.api.request('GET', `/api/conversations/${newId()}/export/fhir`)).status).toBe(404);
    expect((await karim.api.request('GET', path)).status).toBe(200);
    expect((await anne.api.request('GET', path)).status).toBe(200);
    expect((await anne.api.request('GET', path)).status).toBe(200);
    const refused = await anne.api.request('GET', path);
    expect(refused.status).toBe(429);
    expect((refused.body as { error?: { code: string } }).error?.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe("the sender's unanswered urgent messages (per user)", () => {
  it('answers 429 rate_limited with Retry-After past the limit, to that user only', async () => {
    const { anne, karim } = await started.pair();
    expect((await anne.api.request('GET', '/api/urgent/open')).status).toBe(200);
    expect((await anne.api.request('GET', '/api/urgent/open')).status).toBe(200);
    const refused = await anne.api.request('GET', '/api/urgent/open');
    expect(refused.status).toBe(429);
    expect((refused.body as { error?: { code: string } }).error?.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await karim.api.request('GET', '/api/urgent/open')).status).toBe(200);
  });
});

describe('socket frames (per socket and per user)', () => {
  const isRefusal = (f: ServerFrame): boolean => f.type === 'error' && f.code === 'rate_limited';

  it('refuses typing past the socket\'s limit, then past the user\'s over all their sockets', async () => {
    const { anne, karim } = await started.pair();
    // One conversation per frame, so that each accepted frame shows (typing is coalesced per conversation).
    const conversationIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const conversationId = newId();
      await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id], title: `Salle ${i}` } }]);
      conversationIds.push(conversationId);
    }
    const [c1, c2, c3, c4] = conversationIds as [string, string, string, string];
    const member = await started.live(karim.api);
    const typed = async (live: LiveClient, conversationId: string): Promise<void> => {
      live.send({ type: 'typing', conversationId });
      await member.next((f) => f.type === 'typing' && f.conversationId === conversationId);
    };
    const first = await started.live(anne.api);
    await typed(first, c1);
    await typed(first, c2);
    first.send({ type: 'typing', conversationId: c3 });
    const refused = await first.next(isRefusal);
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited', conversationId: c3 });
    expectWait((refused as { retryAfterMs?: number }).retryAfterMs);

    // Another socket has its own allowance, but the user's (3 in all) has one left.
    const second = await started.live(anne.api);
    await typed(second, c3);
    second.send({ type: 'typing', conversationId: c4 });
    expect(await second.next(isRefusal)).toMatchObject({ code: 'rate_limited', conversationId: c4 });
  });

  it('refuses presence changes past the limit and keeps the last accepted state', async () => {
    const { anne, karim } = await started.pair();
    const contact = await started.live(karim.api);
    const device = await started.live(anne.api);
    device.send({ type: 'presence', state: 'away' });
    await contact.next((f) => f.type === 'presence' && f.userId === anne.user.id && f.state === 'away');
    device.send({ type: 'presence', state: 'online' });
    await contact.next((f) => f.type === 'presence' && f.userId === anne.user.id && f.state === 'online');
    device.send({ type: 'presence', state: 'away' });
    expectWait(((await device.next(isRefusal)) as { retryAfterMs?: number }).retryAfterMs);
    const presence = (await karim.api.get(`/api/presence?ids=${anne.user.id}`)).body as { presence: { state: string }[] };
    expect(presence.presence[0]?.state).toBe('online');
  });

  it('refuses call invites past the user\'s limit across gateways, with a call.error the caller\'s screen understands', async () => {
    const other = await startGateway({ db: DB, rateLimits: LIMITS });
    const opened: LiveClient[] = [];
    try {
      const { anne, karim, conversationId } = await started.pair();
      const callee = await started.live(karim.api);
      const here = await started.live(anne.api);
      const there = await LiveClient.open(other.url, anne.api.cookie);
      opened.push(there);
      const invite = (live: LiveClient): string => {
        const callId = newId();
        live.send({ type: 'call.invite', callId, conversationId, calleeId: karim.user.id, partyId: newId(), video: false });
        return callId;
      };
      const hangUp = async (live: LiveClient, callId: string): Promise<void> => {
        const partyId = ((await callee.next((f) => f.type === 'call.incoming' && f.callId === callId)) as { callerPartyId: string }).callerPartyId;
        live.send({ type: 'call.hangup', callId, partyId });
        await callee.next((f) => f.type === 'call.ended' && f.callId === callId);
      };
      await hangUp(here, invite(here));
      await hangUp(there, invite(there));
      const refusedId = invite(there);
      const refused = await there.next((f) => f.type === 'call.error' && f.callId === refusedId);
      expect(refused).toMatchObject({ code: 'rate_limited' });
      expectWait((refused as { retryAfterMs?: number }).retryAfterMs);
    } finally {
      for (const live of opened) live.close();
      await other.close();
    }
  });
});

describe('a message refused by the limit, in the service worker', () => {
  /** The service worker's fetch against a real gateway: its cookie kept, its Origin sent, each push answer noted. */
  function browserFetch(baseUrl: string, pushAnswers: Result[][]): FetchLike {
    let cookie = '';
    return async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('origin', baseUrl);
      if (cookie) headers.set('cookie', cookie);
      const response = await fetch(input, { ...init, headers });
      const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      if (session) cookie = session.split(';')[0] ?? '';
      const text = await response.text();
      if (input.endsWith('/api/sync/push') && response.status === 200) pushAnswers.push((JSON.parse(text) as { results: Result[] }).results);
      return new Response(text, { status: response.status, headers: response.headers });
    };
  }

  it('stays in the outbox and is sent once the window has passed, in order, exactly once', async () => {
    // A one-second window, so the retry passes within the test.
    const oneSecond = await startGateway({ db: DB, rateLimits: { ...LIMITS, message: { user: { points: 2, seconds: 1 } } } });
    try {
      const account = await addUser(started.redis);
      const { karim, conversationId } = await (async () => {
        const karim = await started.signIn();
        const api = new ApiClient(oneSecond.url);
        await api.login(account.username, account.password);
        const id = newId();
        await api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: id, participantIds: [karim.user.id] } }]);
        return { karim, conversationId: id };
      })();
      const pushAnswers: Result[][] = [];
      const ctx = new SwContext({
        fetch: browserFetch(oneSecond.url, pushAnswers),
        baseUrl: oneSecond.url,
        broadcast: () => undefined,
        random: () => 0,
        idb: { indexedDB: new IDBFactory(), IDBKeyRange },
      });
      let n = 0;
      const call = async (op: string, args?: unknown): Promise<unknown> => {
        const reply: SwReply = await handleRequest(ctx, { id: `r${++n}`, op, ...(args === undefined ? {} : { args }) });
        if (!reply.ok) throw new Error(`${op}: ${reply.error.code}`);
        return reply.result;
      };
      await call('auth.login', { username: account.username, password: account.password });
      await ctx.active?.engine.whenIdle();
      const bodies = ['Tension 12/8', 'Pouls 72', 'Saturation 97 %'];
      for (const body of bodies) await call('message.send', { conversationId, messageId: newId(), body });

      const stored = async (): Promise<LocalMessage[]> =>
        ((await call('messages.list', { conversationId })) as { messages: LocalMessage[] }).messages;
      await expect.poll(async () => (await stored()).map((m) => m.status), { timeout: 15_000, interval: 200 }).toEqual(['sent', 'sent', 'sent']);
      // The third was refused first: the limit did bite, and the service worker kept it.
      expect(pushAnswers.flat().filter((r) => !r.ok).map((r) => r.error?.code)).toContain('rate_limited');
      expect((await stored()).map((m) => [m.body, m.seq])).toEqual([
        [bodies[0], 1],
        [bodies[1], 2],
        [bodies[2], 3],
      ]);
      const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string; message?: { body: string } }[] };
      expect(pulled.changes.flatMap((c) => (c.type === 'message' ? [c.message?.body] : []))).toEqual(bodies);
      ctx.close();
    } finally {
      await oneSecond.close();
    }
  });
});
