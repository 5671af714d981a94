import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { newId } from '../../src/shared/ids.ts';
import { ApiClient } from '../integration/helpers.ts';
import type { Stack } from './stack.ts';

/** What the e2e files do on the server's side, through its HTTP API or its store, as demo users. */

/** An API client signed in as the demo user `username`. */
export async function apiAs(stack: Stack, username: string): Promise<ApiClient> {
  const api = new ApiClient(stack.baseURL);
  await api.login(username, DEMO_PASSWORD);
  return api;
}

/** Id of the direct conversation between two demo users (created through the API, or the existing one). */
export async function directConversation(stack: Stack, from: string, toName: string): Promise<string> {
  const api = await apiAs(stack, from);
  const users = await api.request('GET', `/api/users?q=${encodeURIComponent(toName)}`);
  const peer = (users.body as { users: { id: string }[] }).users[0];
  if (!peer) throw new Error(`no user ${toName}`);
  const id = newId();
  const reply = await api.request('POST', '/api/sync/push', {
    body: { deviceId: 'e2e', mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId: id, participantIds: [peer.id] } }] },
  });
  const result = (reply.body as { results: { ok: boolean; result?: { conversation: { id: string } } }[] }).results[0];
  if (!result?.ok || !result.result) throw new Error('conversation not created');
  return result.result.conversation.id;
}

/** The message bodies of a conversation as the server holds them, read as `username`. */
export async function serverBodies(stack: Stack, username: string, conversationId: string): Promise<string[]> {
  const api = await apiAs(stack, username);
  const reply = await api.request('GET', `/api/conversations/${conversationId}/messages?limit=100`);
  return (reply.body as { messages: { body: string }[] }).messages.map((m) => m.body);
}

/** Pushes a message as `username` through the API (another device). */
export async function sendAs(stack: Stack, username: string, conversationId: string, body: string): Promise<void> {
  const api = await apiAs(stack, username);
  const messageId = newId();
  const reply = await api.request('POST', '/api/sync/push', {
    body: { deviceId: 'e2e-api', mutations: [{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }] },
  });
  if (reply.status !== 200) throw new Error(`send failed: ${reply.status}`);
}

/** Revokes every session on the store (the server forgets them: the next request answers 401). */
export async function revokeAllSessions(stack: Stack): Promise<number> {
  const keys = await stack.gateway.redis.keys('relais:session:*');
  if (keys.length > 0) await stack.gateway.redis.del(...keys);
  return keys.length;
}
