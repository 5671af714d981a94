import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Message } from '../../../src/shared/model.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { SESSION_COOKIE, sessionKey } from '../../../src/server/auth/sessions.ts';
import { everythingStored, LiveClient, startGateway, type ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * A push carried by the realtime socket (`push` frame, messaging/push-frames.ts): the same push as
 * `POST /api/sync/push`, answered by a `pushed` frame with that route's status and body.
 */

const started = useGateway({ db: 11 });
const { redis } = started;

type Pushed = Extract<ServerFrame, { type: 'pushed' }>;

async function pushOverSocket(socket: LiveClient, push: unknown): Promise<Pushed> {
  const ref = newId();
  socket.send({ type: 'push', ref, push });
  return (await socket.next((f) => f.type === 'pushed' && f.ref === ref)) as Pushed;
}

function send(conversationId: string, body: string, messageId = newId()) {
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } };
}

async function history(api: ApiClient, conversationId: string): Promise<Message[]> {
  return ((await api.get(`/api/conversations/${conversationId}/messages`)).body as { messages: Message[] }).messages;
}

/**
 * What the store holds, minus what moves on its own: the presence of the sockets just opened, and the
 * sender's message allowance (taken by the append scripts, or by the rate limiter before them:
 * send-limits.ts, as over HTTP).
 */
async function stored(): Promise<string> {
  const lines = (await everythingStored(redis)).split('\n');
  const pairs: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const key = lines[i] as string;
    if (!key.endsWith(':presence') && !key.startsWith('relais:rl:')) pairs.push(`${key}\n${lines[i + 1]}`);
  }
  return pairs.join('\n');
}

function sessionOf(api: ApiClient): string {
  const token = api.cookie.slice(`${SESSION_COOKIE}=`.length);
  return sessionKey(token) as string;
}

describe('pushes over the realtime socket', () => {
  it('answers pushed with the error handler\'s code when the push itself throws, writes nothing, and keeps the socket', async () => {
    // A gateway on the same store whose every push of device "panne" throws before it is applied.
    const failing = await startGateway({
      db: 11,
      aroundPush: (body, push) => ((body as { deviceId?: unknown } | null)?.deviceId === 'panne' ? Promise.reject(new Error('disk on fire')) : push()),
    });
    try {
      const { anne, conversationId } = await started.pair();
      const socket = await LiveClient.open(failing.url, anne.api.cookie);
      try {
        const before = await stored();
        const pushed = await pushOverSocket(socket, { deviceId: 'panne', mutations: [send(conversationId, 'jamais écrit')] });
        expect(pushed.status).toBe(500);
        expect(pushed.body).toMatchObject({ error: { code: 'internal' } });
        expect(await stored()).toBe(before);
        // The socket still works: the next push of another device goes through.
        const next = await pushOverSocket(socket, { deviceId: 'tablette', mutations: [send(conversationId, 'écrit')] });
        expect(next.status).toBe(200);
        expect((await history(anne.api, conversationId)).map((m) => m.body)).toContain('écrit');
      } finally {
        socket.close();
      }
    } finally {
      await failing.close();
    }
  });

  it('stores a message, delivers it live to the other members, and answers as the route does; a replay over HTTP answers the same result and stores nothing new', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const anneSocket = await started.live(anne.api);
    const karimSocket = await started.live(karim.api);
    const message = send(conversationId, 'Tension 12/8, on surveille');

    const pushed = await pushOverSocket(anneSocket, { deviceId: 'tablette', mutations: [message] });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ results: [{ id: message.id, ok: true, result: { seq: 1 } }] });
    const live = await karimSocket.next((f) => f.type === 'changes');
    expect(JSON.stringify(live)).toContain('Tension 12/8, on surveille');

    const [replayed] = await anne.api.push([message]);
    expect(replayed).toEqual((pushed.body as { results: unknown[] }).results[0]);
    expect((await history(karim.api, conversationId)).map((m) => [m.senderId, m.body])).toEqual([[anne.user.id, 'Tension 12/8, on surveille']]);
  });

  it('answers a malformed body and a cursor of another epoch exactly as POST /api/sync/push does, and writes nothing', async () => {
    const { anne, conversationId } = await started.pair();
    const socket = await started.live(anne.api);
    const before = await stored();
    const bodies = [
      { deviceId: '', mutations: [send(conversationId, 'x')] },
      { deviceId: 'tablette', mutations: [] },
      'pas un objet',
      null,
      { deviceId: 'tablette', mutations: [send(conversationId, 'x')], cursor: 'epoch-perdue:0' },
    ];
    for (const body of bodies) {
      const overHttp = await anne.api.request('POST', '/api/sync/push', { body });
      const overSocket = await pushOverSocket(socket, body);
      expect({ status: overSocket.status, body: overSocket.body }).toEqual({ status: overHttp.status, body: overHttp.body });
    }
    expect(await stored()).toBe(before);
  });

  it('creates a conversation over the socket (the session looked up first, as the route does)', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const socket = await started.live(anne.api);
    const conversationId = newId();
    const pushed = await pushOverSocket(socket, {
      deviceId: 'tablette',
      mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id] } }, send(conversationId, 'Bonjour')],
    });
    expect(pushed.status).toBe(200);
    expect((pushed.body as { results: { ok: boolean }[] }).results.map((r) => r.ok)).toEqual([true, true]);
    expect((await history(karim.api, conversationId)).map((m) => m.body)).toEqual(['Bonjour']);
  });

  it('refuses with 401 the pushes of a socket whose session ended before the gateway closed it, messages and other mutations alike, and writes nothing', async () => {
    const { anne, conversationId } = await started.pair();
    const socket = await started.live(anne.api);
    // Gone from Redis behind the gateway's back: no event closes the socket before the next heartbeat.
    await redis.del(sessionOf(anne.api));
    const before = await stored();
    const message = await pushOverSocket(socket, { deviceId: 'tablette', mutations: [send(conversationId, 'Après la fin de session')] });
    const create = await pushOverSocket(socket, {
      deviceId: 'tablette',
      mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [anne.user.id] } }],
    });
    expect([message.status, message.body]).toEqual([401, { error: { code: 'unauthenticated', message: 'Sign in first' } }]);
    expect([create.status, create.body]).toEqual([401, { error: { code: 'unauthenticated', message: 'Sign in first' } }]);
    expect(await stored()).toBe(before);
  });

  it('says nothing of a conversation the pusher is not in: the same refusal as for one that does not exist', async () => {
    const { conversationId } = await started.pair();
    const stranger = await started.signIn();
    const socket = await started.live(stranger.api);
    const intoTheirs = await pushOverSocket(socket, { deviceId: 'tablette', mutations: [send(conversationId, 'Intrusion')] });
    const intoNone = await pushOverSocket(socket, { deviceId: 'tablette', mutations: [send(newId(), 'Intrusion')] });
    const codes = [intoTheirs, intoNone].map((p) => (p.body as { results: { error?: { code: string } }[] }).results[0]?.error?.code);
    expect(codes).toEqual(['conversation_not_found', 'conversation_not_found']);
  });

  it('counts the pushes over the socket for the operators (route push_socket)', async () => {
    const { anne, conversationId } = await started.pair();
    const socket = await started.live(anne.api);
    await pushOverSocket(socket, { deviceId: 'tablette', mutations: [send(conversationId, 'Compté')] });
    const metrics = await fetch(`${started.url}/metrics`).then((r) => r.text());
    const count = /relais_sync_request_duration_seconds_count\{route="push_socket",status="200"\} (\d+)/.exec(metrics);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(1);
  });
});
