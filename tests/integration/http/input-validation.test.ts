import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { LIMITS } from '../../../src/shared/limits.ts';
import { ApiClient, LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

let api: ApiClient;

const started = useGateway();

beforeAll(async () => {
  api = (await started.signIn()).api;
});

function codeOf(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | null)?.error?.code;
}

describe('bad input', () => {
  it('answers a path parameter past its length in the error shape, with a stable code', async () => {
    const reply = await api.get(`/api/conversations/${'a'.repeat(5_000)}/messages`);
    expect(reply.status).toBe(400);
    expect(codeOf(reply.body)).toBe('bad_request');
  });

  it('answers a request whose headers are too large in the error shape, with a stable code', async () => {
    const reply = await api.get(`/api/users?q=${'a'.repeat(20_000)}`);
    expect(reply.status).toBe(431);
    expect(codeOf(reply.body)).toBe('payload_too_large');
  });

  it.each([
    ['malformed JSON', { rawBody: '{"deviceId": ' }, 400, 'invalid_json'],
    ['an empty JSON body', { rawBody: '' , contentType: 'application/json'}, 400, 'invalid_json'],
    ['a body over the limit', { rawBody: JSON.stringify({ deviceId: 'x'.repeat(LIMITS.HTTP_BODY_MAX), mutations: [] }) }, 413, 'payload_too_large'],
    ['a wrong content type', { rawBody: 'hello', contentType: 'text/plain' }, 415, 'unsupported_media_type'],
    ['unknown fields', { body: { deviceId: 'd', mutations: [{}], extra: 1 } }, 400, 'bad_request'],
    ['too many mutations', { body: { deviceId: 'd', mutations: Array.from({ length: LIMITS.PUSH_BATCH_MAX + 1 }, () => ({})) } }, 400, 'bad_request'],
    ['a JSON array', { body: [1, 2] }, 400, 'bad_request'],
  ])('answers %s on push with a 4xx and a code', async (_name, options, status, code) => {
    const reply = await api.request('POST', '/api/sync/push', options);
    expect(reply.status).toBe(status);
    expect(codeOf(reply.body)).toBe(code);
  });

  it.each([
    ['/api/sync/pull?limit=0'],
    ['/api/sync/pull?limit=abc'],
    ['/api/sync/pull?limit=1&limit=2'],
    ['/api/sync/pull?other=1'],
    [`/api/sync/pull?limit=${LIMITS.PULL_LIMIT_MAX + 1}`],
    [`/api/conversations/${newId()}/messages?before=-1`],
    [`/api/conversations/${newId()}/messages?limit=1e9`],
    ['/api/users?q=' + 'x'.repeat(LIMITS.SEARCH_QUERY_MAX + 1)],
  ])('answers 400 bad_request to %s', async (path) => {
    const reply = await api.get(path);
    expect(reply.status).toBe(400);
    expect(codeOf(reply.body)).toBe('bad_request');
  });

  it('answers 404 not_found as JSON for an unknown API path', async () => {
    const reply = await api.get('/api/does-not-exist');
    expect(reply.status).toBe(404);
    expect(codeOf(reply.body)).toBe('not_found');
  });

  it('answers a bad mutation item alone with its code, keeping the batch', async () => {
    const messageId = newId();
    const results = await api.push([
      { id: 'a', kind: 'conversation.teleport', args: {} },
      { id: messageId, kind: 'message.send', args: { conversationId: newId(), messageId, body: 'x'.repeat(LIMITS.MESSAGE_BODY_MAX + 1) } },
      42,
      { id: messageId, kind: 'message.send', args: { conversationId: newId(), messageId, body: 'ok' } },
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(['unknown_mutation', 'message_too_long', 'bad_request', 'conversation_not_found']);
  });

  it('answers user_not_found when a participant does not exist', async () => {
    const [result] = await api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [newId()] } }]);
    expect(result?.error?.code).toBe('user_not_found');
  });

  it('answers bad_request frames on the WebSocket and stays open', async () => {
    const live = await LiveClient.open(started.url, api.cookie);
    try {
      live.send('{not json');
      expect(await live.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'bad_request' });
      live.send({ type: 'subscribe', conversationId: 'nope' });
      expect(await live.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'bad_request' });
      live.send({ type: 'ping', t: 1 });
      expect(await live.next((f) => f.type === 'pong')).toMatchObject({ type: 'pong', t: 1 });
    } finally {
      live.close();
    }
  });
});

describe('GET /healthz', () => {
  it('answers 200 {ok: true} while the process runs (liveness; readiness is /readyz)', async () => {
    const reply = await new ApiClient(started.url).get('/healthz');
    expect(reply).toMatchObject({ status: 200, body: { ok: true } });
  });
});
