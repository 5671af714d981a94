import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Conversation } from '../../../src/shared/model.ts';
import { ApiClient, LiveClient, upgradeStatus } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
const { redis } = started;

async function conversationOfTwo(): Promise<{ conversationId: string; outsider: ApiClient; outsiderCookie: string }> {
  const anne = await started.signIn();
  const karim = await started.signIn();
  const outsider = await started.signIn();
  const [created] = await anne.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.user.id] } },
  ]);
  const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
  const messageId = newId();
  await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'privé' } }]);
  return { conversationId, outsider: outsider.api, outsiderCookie: outsider.api.cookie };
}

describe('conversation privacy', () => {
  it('answers a non-participant the same 404 as for a conversation that does not exist', async () => {
    const { conversationId, outsider } = await conversationOfTwo();
    const theirs = await outsider.get(`/api/conversations/${conversationId}/messages`);
    const unknown = await outsider.get(`/api/conversations/${newId()}/messages`);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
    expect(theirs.body).toMatchObject({ error: { code: 'conversation_not_found' } });
  });

  it('refuses a push write from a non-participant with conversation_not_found and stores nothing', async () => {
    const { conversationId, outsider } = await conversationOfTwo();
    const messageId = newId();
    const [result] = await outsider.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'intrus' } }]);
    expect(result).toEqual({ id: messageId, ok: false, error: { code: 'conversation_not_found' } });
    const [read] = await outsider.push([{ id: newId(), kind: 'read.mark', args: { conversationId, seq: 1 } }]);
    expect(read?.error?.code).toBe('conversation_not_found');
    expect(await redis.hget(`{c:${conversationId}}:meta`, 'seq')).toBe('1');
    const pull = (await outsider.get('/api/sync/pull')).body as { changes: unknown[] };
    expect(pull.changes).toEqual([]);
  });

  it('refuses a WebSocket subscribe and typing from a non-participant', async () => {
    const { conversationId, outsiderCookie } = await conversationOfTwo();
    const live = await LiveClient.open(started.url, outsiderCookie);
    try {
      live.send({ type: 'subscribe', conversationId });
      expect(await live.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'conversation_not_found', conversationId });
      live.send({ type: 'typing', conversationId });
      expect(await live.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'conversation_not_found', conversationId });
    } finally {
      live.close();
    }
  });

  it('refuses a conversation.create that reuses the id of a conversation the user is not in', async () => {
    const { conversationId, outsider } = await conversationOfTwo();
    const other = await started.signIn();
    const [result] = await outsider.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [other.user.id], title: 'x' } },
    ]);
    expect(result?.error?.code).toBe('conversation_not_found');
  });
});

describe('authentication', () => {
  it('keeps the session alive while it is used (sliding TTL) and stores only a hash of the token', async () => {
    const { api } = await started.signIn();
    const token = decodeURIComponent(api.cookie.split('=')[1] ?? '');
    const key = `relais:session:${createHash('sha256').update(token).digest('hex')}`;
    expect(await redis.exists(`relais:session:${token}`)).toBe(0);
    await redis.expire(key, 100);
    expect((await api.get('/api/me')).status).toBe(200);
    expect(await redis.ttl(key)).toBeGreaterThan(43_000);
  });

  it('answers 401 unauthenticated without a session, and after logout', async () => {
    const anonymous = new ApiClient(started.url);
    expect((await anonymous.get('/api/me')).body).toMatchObject({ error: { code: 'unauthenticated' } });
    const { api, user } = await started.signIn();
    expect((await api.get('/api/me')).body).toEqual({ user, twoFactor: { enabled: false, required: false }, password: true, editWindowMinutes: 15 });
    const cookie = api.cookie;
    expect((await api.request('POST', '/api/auth/logout')).status).toBe(204);
    api.cookie = cookie;
    const after = await api.get('/api/sync/pull');
    expect(after.status).toBe(401);
  });

  it('refuses wrong passwords with invalid_credentials and sets an HttpOnly SameSite=Strict cookie on success', async () => {
    const { api } = await started.signIn();
    const me = (await api.get('/api/me')).body as { user: { username: string } };
    const fresh = new ApiClient(started.url);
    const wrong = await fresh.request('POST', '/api/auth/login', { body: { username: me.user.username, password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    const ok = await fresh.request('POST', '/api/auth/login', { body: { username: me.user.username, password: 'correct-horse-battery' } });
    const cookie = ok.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/relais_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('refuses a WebSocket upgrade without a session (401) or with a foreign or missing Origin (403)', async () => {
    const { api } = await started.signIn();
    expect(await upgradeStatus(started.url, { origin: started.url })).toBe(401);
    expect(await upgradeStatus(started.url, { origin: 'http://evil.example', cookie: api.cookie })).toBe(403);
    expect(await upgradeStatus(started.url, { cookie: api.cookie })).toBe(403);
    expect(await upgradeStatus(started.url, { origin: started.url, cookie: api.cookie })).toBe(101);
  });

  it('answers 403 origin_forbidden to a POST with a foreign or missing Origin', async () => {
    const { api } = await started.signIn();
    const body = { deviceId: 'd', mutations: [{}] };
    const foreign = await api.request('POST', '/api/sync/push', { body, origin: 'http://evil.example' });
    const missing = await api.request('POST', '/api/sync/push', { body, origin: null });
    expect(foreign.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'origin_forbidden' } });
    const login = await new ApiClient(started.url).request('POST', '/api/auth/login', {
      body: { username: 'x', password: 'y' },
      origin: 'http://evil.example',
    });
    expect(login.status).toBe(403);
  });
});

/**
 * A push of messages and read markers from a session the gateway already checked is not looked up
 * again: the scripts check the session as they write. These hold that path to the same rules as a
 * lookup: revoked means 401 and nothing written, and the sliding TTL still slides.
 */
describe('sessions checked by the write scripts', () => {
  async function sessionOf(api: ApiClient): Promise<string> {
    const token = decodeURIComponent(api.cookie.split('=')[1] ?? '');
    return `relais:session:${createHash('sha256').update(token).digest('hex')}`;
  }

  async function pairWithConversation() {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = newId();
    await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id] } }]);
    return { anne, karim, conversationId };
  }

  const message = (conversationId: string, body: string) => {
    const messageId = newId();
    return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } };
  };

  async function bodies(api: ApiClient, conversationId: string): Promise<string[]> {
    const reply = await api.get(`/api/conversations/${conversationId}/messages`);
    return (reply.body as { messages: { body: string }[] }).messages.map((m) => m.body);
  }

  it('answers 401 and stores nothing once the session was revoked behind the gateway (messages, read markers)', async () => {
    const { anne, karim, conversationId } = await pairWithConversation();
    expect((await anne.api.push([message(conversationId, 'avant')]))[0]).toMatchObject({ ok: true });
    await redis.del(await sessionOf(anne.api));
    const refused = await anne.api.request('POST', '/api/sync/push', { body: { deviceId: 'd', mutations: [message(conversationId, 'après')] } });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const read = await anne.api.request('POST', '/api/sync/push', {
      body: { deviceId: 'd', mutations: [{ id: newId(), kind: 'read.mark', args: { conversationId, seq: 1 } }] },
    });
    expect(read.status).toBe(401);
    expect(await bodies(karim.api, conversationId)).toEqual(['avant']);
    expect(await redis.hget(`{c:${conversationId}}:reads`, anne.user.id)).toBeNull();
  });

  it('answers 401 to a revoked session whose items are all refused before any write, or that carries a cursor', async () => {
    const { anne, conversationId } = await pairWithConversation();
    await anne.api.push([message(conversationId, 'vu')]);
    await redis.del(await sessionOf(anne.api));
    const mismatched = { ...message(conversationId, 'x'), id: newId() };
    const onlyRefused = await anne.api.request('POST', '/api/sync/push', { body: { deviceId: 'd', mutations: [mismatched] } });
    expect(onlyRefused.status).toBe(401);
    const withCursor = await anne.api.request('POST', '/api/sync/push', {
      body: { deviceId: 'd', cursor: 'not-a-cursor', mutations: [message(conversationId, 'y')] },
    });
    expect(withCursor.status).toBe(401);
    const malformed = await anne.api.request('POST', '/api/sync/push', { body: { deviceId: 'd', mutations: 'nope' } });
    expect(malformed.status).toBe(401);
  });

  it('keeps sliding the session TTL on a push of messages', async () => {
    const { anne, conversationId } = await pairWithConversation();
    await anne.api.push([message(conversationId, 'un')]);
    const key = await sessionOf(anne.api);
    await redis.expire(key, 100);
    expect((await anne.api.push([message(conversationId, 'deux')]))[0]).toMatchObject({ ok: true });
    expect(await redis.ttl(key)).toBeGreaterThan(43_000);
  });

  it('still refuses a message in a conversation the user is not in, with the session valid', async () => {
    const { conversationId } = await pairWithConversation();
    const outsider = await started.signIn();
    await outsider.api.get('/api/me');
    const [refused] = await outsider.api.push([message(conversationId, 'intrus')]);
    expect(refused?.error?.code).toBe('conversation_not_found');
  });
});
